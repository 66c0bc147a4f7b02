package handlers

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// FixityService checks originals (see package archive). Audit returns a
// models.ErrConflict error when another instance is auditing.
type FixityService interface {
	Check(ctx context.Context, doc *models.Document, actor string) (models.Event, int64, error)
	Audit(ctx context.Context) (models.FixityRun, error)
	State(ctx context.Context) (models.FixityState, error)
}

// BagWriter streams a BagIt package. Check runs before the first byte:
// models.ErrUnavailable when the store is unreachable, models.ErrConflict
// when an original is missing or changed.
type BagWriter interface {
	Check(ctx context.Context, docs []*models.Document) error
	Write(ctx context.Context, w io.Writer, baseDir, id, name string, partnership any, docs []*models.Document) error
}

// RangeReader reads part of an object.
type RangeReader interface {
	GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, models.ObjectInfo, error)
}

// archiveDocument: a document with file facts, provenance and history.
func (a *API) archiveDocument(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	events, err := a.d.Documents.Events(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	refs := make([]string, len(events))
	for i, e := range events {
		refs[i] = e.Actor
	}
	names := a.actorNames(c.UserContext(), refs)
	views := make([]eventView, len(events))
	for i, e := range events {
		views[i] = eventView{Event: e, Who: names[e.Actor]}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(archiveDocumentView{Document: d, Events: views})
}

// archiveOriginal streams the original bytes (Range supported) with their
// digest, so the client can verify what it received.
func (a *API) archiveOriginal(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.sendOriginal(c, d)
}

// sendOriginal streams d's original (the Range header honoured) with its
// digest and download name.
func (a *API) sendOriginal(c *fiber.Ctx, d *models.Document) error {
	offset, length, partial, err := parseRange(c.Get(fiber.HeaderRange), d.File.Size)
	if err != nil {
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.FormatInt(d.File.Size, 10))
		return err
	}
	rc, _, err := a.d.Originals.GetRange(c.UserContext(), d.File.Key, offset, length)
	if err != nil {
		return err
	}
	raw, _ := hex.DecodeString(d.File.SHA256)
	c.Set("Repr-Digest", "sha-256=:"+base64.StdEncoding.EncodeToString(raw)+":")
	c.Set("X-Checksum-Sha256", d.File.SHA256)
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	c.Set(fiber.HeaderContentType, d.File.ContentType)
	c.Set(fiber.HeaderContentDisposition, models.DownloadParams(d).Get("response-content-disposition"))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	if partial {
		c.Status(fiber.StatusPartialContent)
		c.Set(fiber.HeaderContentRange, fmt.Sprintf("bytes %d-%d/%d", offset, offset+length-1, d.File.Size))
	} else {
		length = d.File.Size
	}
	streamBody(c, rc, int(length))
	return nil
}

// parseRange reads a single "bytes=a-b" range; a missing header is the
// whole object.
func parseRange(h string, size int64) (offset, length int64, partial bool, err error) {
	if h == "" {
		return 0, -1, false, nil
	}
	bad := fmt.Errorf("%w: unsupported or unsatisfiable range %q", models.ErrRangeNotSatisfiable, h)
	spec, ok := strings.CutPrefix(h, "bytes=")
	// An empty object has no satisfiable range (RFC 9110 §14.1.1).
	if !ok || strings.Contains(spec, ",") || size <= 0 {
		return 0, 0, false, bad
	}
	from, to, _ := strings.Cut(spec, "-")
	if strings.Trim(from+to, "0123456789") != "" {
		return 0, 0, false, bad // digits only: no signs, spaces or second dash
	}
	switch {
	case from == "": // suffix: the last n bytes
		n, err := strconv.ParseInt(to, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false, bad
		}
		n = min(n, size)
		return size - n, n, true, nil
	default:
		start, err := strconv.ParseInt(from, 10, 64)
		if err != nil || start < 0 || start >= size {
			return 0, 0, false, bad
		}
		end := size - 1
		if to != "" {
			if end, err = strconv.ParseInt(to, 10, 64); err != nil || end < start {
				return 0, 0, false, bad
			}
			end = min(end, size-1)
		}
		return start, end - start + 1, true, nil
	}
}

// checkFixity: POST /archive/documents/:id/fixity.
func (a *API) checkFixity(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	ev, _, err := a.d.Fixity.Check(c.UserContext(), d, actor(c))
	if err != nil {
		return err
	}
	return c.JSON(ev)
}

func (a *API) fixityState(c *fiber.Ctx) error {
	s, err := a.d.Fixity.State(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s)
}

// runAudit runs a full audit now and answers with its result.
func (a *API) runAudit(c *fiber.Ctx) error {
	run, err := a.d.Fixity.Audit(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(run)
}

// bag streams the BagIt zip of a partnership's documents.
func (a *API) bag(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := a.d.Partnerships.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return a.sendBag(c, p)
}

// sendBag streams the BagIt zip of p's documents.
func (a *API) sendBag(c *fiber.Ctx, p *models.Partnership) error {
	id := p.ID
	list, err := a.d.Documents.List(c.UserContext(), models.DocumentQuery{Partnership: id, Page: 1, PerPage: 10000})
	if err != nil {
		return err
	}
	// Every original is checked before the status line, so an unreachable
	// store is a 503 problem, never a 200 with an empty or partial zip.
	if err := a.d.Bags.Check(c.UserContext(), list.Items); err != nil {
		return err
	}
	name, _ := p.Partner.Name.Resolve(a.d.Locales.Chain(""))
	ctx := context.WithoutCancel(c.UserContext())
	baseDir := p.Slug + "-bag"
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, models.ContentDisposition(baseDir+".zip"))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	reqID := requestID(c)
	conn := c.Context().Conn()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := a.d.Bags.Write(ctx, w, baseDir, id, name, p, list.Items); err != nil {
			// The status is sent already. Closing the connection before the
			// chunked body's end makes the client see a failed transfer (and
			// the zip lacks its central directory), not a complete bag.
			a.logger.Error("bag export failed; connection aborted", "request_id", reqID, "partnership", id, "err", err)
			_ = conn.Close()
		}
	})
	return nil
}
