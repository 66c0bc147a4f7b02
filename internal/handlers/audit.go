package handlers

import (
	"bufio"
	"context"
	"io"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// AuditLog reads the audit log (audit.Log).
type AuditLog interface {
	List(ctx context.Context, q models.AuditQuery) (models.List[models.AuditEntry], error)
	Export(ctx context.Context, q models.AuditQuery, w io.Writer) error
}

// auditQuery reads the audit filters; every bad one is named.
func auditQuery(c *fiber.Ctx) (models.AuditQuery, error) {
	var p models.Problems
	q := models.AuditQuery{}
	q.Page, q.PerPage = parsePaging(c.Query, &p)
	text := func(name string) string {
		s := c.Query(name)
		if len(s) > 100 || strings.ContainsAny(s, "\x00\n\r") {
			p.Add(name, "must be at most 100 characters on one line")
			return ""
		}
		return strings.Clone(s)
	}
	q.Actor, q.Resource, q.Action = text("actor"), text("resource"), text("action")
	when := func(name string) time.Time {
		s := c.Query(name)
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			p.Add(name, "must be an RFC 3339 time such as 2026-01-31T12:00:00Z")
		}
		return t.UTC()
	}
	q.From, q.To = when("from"), when("to")
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		p.Add("to", "must not be before from")
	}
	return q, p.Err(models.ErrMalformed)
}

// listAudit: GET /audit (admin), newest first.
func (a *API) listAudit(c *fiber.Ctx) error {
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	list, err := a.d.Audit.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(list)
}

// exportAudit: GET /audit.jsonl (admin), every matching entry as JSON
// Lines, streamed (paging parameters are ignored).
func (a *API) exportAudit(c *fiber.Ctx) error {
	q, err := auditQuery(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/jsonl")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	ctx := context.WithoutCancel(c.UserContext())
	reqID := requestID(c)
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := a.d.Audit.Export(ctx, q, w); err != nil {
			// The status is sent: closing before the end of the chunked
			// body tells the client the export is incomplete.
			a.logger.Error("audit export failed; connection aborted", "request_id", reqID, "err", err)
			_ = conn.Close()
		}
	})
	return nil
}

// authRefused tells the audit log of a refused authentication.
func (a *API) authRefused(c *fiber.Ctx, reason string) {
	if a.d.AuthRefused == nil {
		return
	}
	ctx := c.UserContext()
	if models.Client(ctx) == "" {
		ctx = models.WithClient(ctx, a.clientAddr(c).String())
	}
	a.d.AuthRefused(ctx, reason)
}
