package handlers

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// drainLimit is how much of an oversized body is read and dropped so that
// the client sees the 413 instead of a connection reset.
const drainLimit = 16 << 20

// dropRest is for a request refused before its body was read to the end,
// answered with the connection closed. Closing a socket with unread data
// makes the kernel send RST, which can destroy the answer in flight to a
// client still sending: so a bounded rest (up to drainLimit, for at most
// drainFor) is read and dropped first. A body declared longer than that
// is not waited for: the client may be waiting for the answer.
func dropRest(c *fiber.Ctx) {
	c.Context().SetConnectionClose()
	if !c.Request().IsBodyStream() {
		return
	}
	if declared := c.Request().Header.ContentLength(); declared > drainLimit {
		return
	}
	if conn := c.Context().Conn(); conn != nil {
		_ = conn.SetReadDeadline(time.Now().Add(drainFor))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(c.Request().BodyStream(), drainLimit))
}

// drainFor bounds how long dropRest waits for the rest of a body.
const drainFor = time.Second

// readBody returns the request body, refusing more than limit bytes. With
// StreamRequestBody on, a large body arrives as a stream and is read only
// up to the limit, never whole.
func readBody(c *fiber.Ctx, limit int64) ([]byte, error) {
	if c.Request().IsBodyStream() {
		b, err := io.ReadAll(io.LimitReader(c.Request().BodyStream(), limit+1))
		if err != nil {
			return nil, models.Hide(models.ErrMalformed, "the body could not be read to its end", err)
		}
		if int64(len(b)) > limit {
			dropRest(c)
			return nil, fmt.Errorf("%w: the body is over %d bytes", models.ErrTooLarge, limit)
		}
		return b, nil
	}
	b := c.Body()
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: the body is over %d bytes", models.ErrTooLarge, limit)
	}
	return b, nil
}

// requireJSON refuses bodies not declared as JSON (415).
func requireJSON(c *fiber.Ctx, allowed ...string) error {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || !(mt == "application/json" || slices.Contains(allowed, mt)) {
		want := "application/json"
		for _, a := range allowed {
			want += " or " + a
		}
		return fmt.Errorf("%w: send the body as %s", models.ErrUnsupportedType, want)
	}
	return nil
}

// decodeJSONObject reads a JSON object body into a map of raw fields,
// refusing server-owned fields. Used by create (then strict decoding) and
// by PATCH (merge patch).
func decodeJSONObject(c *fiber.Ctx, limit int64, allowed ...string) (map[string]json.RawMessage, error) {
	if err := requireJSON(c, allowed...); err != nil {
		return nil, err
	}
	body, err := readBody(c, limit)
	if err != nil {
		return nil, err
	}
	return parseJSONObject(body, "the body", models.ServerOwnedFields)
}

// parseJSONObject reads data as one JSON object of raw fields (what the
// body, the metadata part and merge patches must be), refusing invalid
// UTF-8 (encoding/json would silently store U+FFFD instead) and the
// server-owned fields named. what names the data in messages.
func parseJSONObject(data []byte, what string, serverOwned []string) (map[string]json.RawMessage, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: %s is not valid UTF-8", models.ErrMalformed, what)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return nil, models.Hide(models.ErrMalformed, what+" must be one JSON object: "+models.JSONErrorText(err), err)
	}
	var p models.Problems
	for _, k := range serverOwned {
		if _, ok := fields[k]; ok {
			p.Add(k, "is set by the server and may not be sent")
		}
	}
	return fields, p.Err(models.ErrMalformed)
}

// decodeStrict is readBody + requireJSON + server-owned check + strictDecode.
func decodeStrict(c *fiber.Ctx, limit int64, dst any) error {
	fields, err := decodeJSONObject(c, limit)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(fields)
	return strictDecode(raw, dst)
}

// The strict decoder and the merge patch live in models (the content
// service applies merge patches too); short local names for the handlers.
var (
	strictDecode = models.DecodeStrict
	mergePatch   = models.MergePatch
)
