package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/jesenice/twincms/internal/logx"
)

// logAccess writes the request's access-log line, when info is on: one
// line per request, the record "request" with request_id, method, path,
// route, status, duration and bytes. It runs on every request, so it
// makes no slog.Record when the logger is the command's (logx encodes the
// line into a pooled buffer, with the handler chain resolved once:
// logx.AccessLog), reads the clock no more (end is the
// middleware's), and copies no request memory (the strings are read
// before the request is reused).
//
// Paths and methods only: the path is without the query string (preview
// tokens travel in it), tokens live in headers we never log, and no
// presigned URL passes through here.
func (a *API) logAccess(c *fiber.Ctx, status int, end time.Time, took time.Duration) {
	ctx := c.UserContext()
	if !a.access.Enabled(ctx) {
		return
	}
	a.access.Log(ctx, logx.Access{
		Time:      end,
		RequestID: utils.UnsafeString(c.Response().Header.Peek(fiber.HeaderXRequestID)),
		Client:    a.clientAddr(c),
		Method:    c.Method(),
		Path:      c.Path(),
		Route:     c.Route().Path,
		Status:    status,
		Duration:  took,
		Bytes:     responseSize(c),
	})
}
