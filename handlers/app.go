package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// Deps is everything the API needs; cmd/twincms wires the real stores.
type Deps struct {
	Logger       *slog.Logger
	Tokens       TokenStore
	Checks       []Check
	Partnerships ContentService[models.Partnership, *models.Partnership]
	Blocks       ContentService[models.Block, *models.Block]
	Pages        ContentService[models.ContentPage, *models.ContentPage]
	Published    PublicContent
	Documents    DocumentStore
	Ingest       Ingester
	Presigner    Presigner
	Fixity       FixityService
	Bags         BagWriter
	Originals    RangeReader
	Ingests      IngestJobs
	// Site is the demo website served at /; nil serves none.
	Site fs.FS
	// Admin is the admin web UI served at /admin; nil serves none.
	Admin fs.FS
	// S3Origin is the object store's origin as browsers reach it, allowed
	// by the pages' Content-Security-Policy.
	S3Origin string
	// LinkTTL is the lifetime of public signed links.
	LinkTTL      time.Duration
	Locales      models.Locales
	MaxJSONBytes int64
	// BodyLimit is Fiber's in-memory body limit; larger bodies are streamed.
	BodyLimit int
	Metrics   *Metrics
	// Webhooks manages webhooks (admin routes).
	Webhooks WebhookService
	// Audit reads the audit log (admin routes).
	Audit AuditLog
	// AuthRefused is told of every refused authentication (audit log).
	AuthRefused func(ctx context.Context, reason string)
}

// Check is one readiness check (database, object store).
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// New builds the standalone Fiber app with the API at the root.
func New(d Deps) *fiber.App {
	app := fiber.New(fiber.Config{
		AppName:               "twincms",
		ErrorHandler:          WriteProblem(d.Logger),
		StreamRequestBody:     true,
		BodyLimit:             d.BodyLimit,
		DisableStartupMessage: true,
		ReadTimeout:           5 * time.Minute,
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		ReadBufferSize:        16 << 10,
		// Uploads are parsed as a stream by the handler, not buffered here.
		DisablePreParseMultipartForm: true,
	})
	Register(app, d)
	return app
}

// Register mounts the whole API on r, so another Fiber app can carry
// twincms under a prefix. Errors are turned into problems here, not by the
// host app's error handler, so the contract holds when mounted too.
func Register(r fiber.Router, d Deps) *API {
	a := newAPI(r, d)
	a.routes()
	// Anything that reached no route: a problem, not Fiber's text page.
	r.Use(a.noRoute)
	return a
}

// middleware wraps every request: id, recovery, problems, metrics, log.
func (a *API) middleware(c *fiber.Ctx) (err error) {
	start := time.Now()
	id := strings.Clone(c.Get(fiber.HeaderXRequestID))
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Locals(localRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	// Every layer below gets the id through the context (log lines); the
	// route's handler chain adds the deadline (withDeadline).
	c.SetUserContext(models.WithRequestID(c.UserContext(), id))
	func() {
		defer func() {
			if rec := recover(); rec != nil {
				a.logger.Error("panic", "request_id", id, "panic", rec, "stack", string(debug.Stack()))
				err = errPanic
			}
		}()
		err = c.Next()
	}()
	if err != nil {
		err = WriteProblem(a.logger)(c, err)
	}
	// Clones: Fiber reuses request memory, and metric labels outlive it.
	route, method := strings.Clone(c.Route().Path), strings.Clone(c.Method())
	status := c.Response().StatusCode()
	a.metrics.observe(method, route, status, time.Since(start))
	// Paths and methods only: tokens live in headers we never log, and no
	// presigned URL passes through here.
	a.logger.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
		slog.String("request_id", id), slog.String("method", method), slog.String("path", c.Path()),
		slog.String("route", route), slog.Int("status", status), slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", responseSize(c)))
	return err
}

const localRequestID = "request_id"

// errPanic is an internal error: the client sees only the request id.
var errPanic = errors.New("handler panicked")

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRequestID).(string)
	return id
}

// validRequestID accepts a client's X-Request-Id only if it is a plain
// token: it is echoed in headers, problems and logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// responseSize is the body length without reading a streamed body.
func responseSize(c *fiber.Ctx) int {
	if c.Response().IsBodyStream() {
		return c.Response().Header.ContentLength()
	}
	return len(c.Response().Body())
}
