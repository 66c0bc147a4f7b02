package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// drainLimit is how much of an oversized body is read and dropped so that
// the client sees the 413 instead of a connection reset.
const drainLimit = 16 << 20

// readBody returns the request body, refusing more than limit bytes. With
// StreamRequestBody on, a large body arrives as a stream and is read only
// up to the limit, never whole.
func readBody(c *fiber.Ctx, limit int64) ([]byte, error) {
	if c.Request().IsBodyStream() {
		b, err := io.ReadAll(io.LimitReader(c.Request().BodyStream(), limit+1))
		if err != nil {
			return nil, fmt.Errorf("%w: reading body: %v", models.ErrMalformed, err)
		}
		if int64(len(b)) > limit {
			// Read a bounded rest so the client can read our answer rather
			// than a reset; beyond that the connection is closed.
			if n, _ := io.Copy(io.Discard, io.LimitReader(c.Request().BodyStream(), drainLimit)); n == drainLimit {
				c.Context().SetConnectionClose()
			}
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
		return fmt.Errorf("%w: send the body as application/json", models.ErrUnsupportedType)
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
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, fmt.Errorf("%w: the body must be one JSON object: %s", models.ErrMalformed, jsonErrorText(err))
	}
	var p models.Problems
	for _, k := range models.ServerOwnedFields {
		if _, ok := fields[k]; ok {
			p.Add(k, "is set by the server and may not be sent")
		}
	}
	return fields, p.Err(models.ErrMalformed)
}

// strictDecode decodes data into dst, refusing unknown fields and type
// mismatches with a field-level problem.
func strictDecode(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var p models.Problems
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			p.Add(te.Field, "must be a JSON %s", te.Type.Kind())
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			p.Add(name, "is not a known field")
		default:
			return fmt.Errorf("%w: %s", models.ErrMalformed, jsonErrorText(err))
		}
		return p.Err(models.ErrMalformed)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON object", models.ErrMalformed)
	}
	return nil
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

func jsonErrorText(err error) string {
	if err == nil {
		return "null is not an object"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// mergePatch applies an RFC 7396 JSON merge patch to target.
func mergePatch(target map[string]any, patch map[string]any) map[string]any {
	for k, pv := range patch {
		if pv == nil {
			delete(target, k)
			continue
		}
		if pm, ok := pv.(map[string]any); ok {
			tm, _ := target[k].(map[string]any)
			if tm == nil {
				tm = map[string]any{}
			}
			target[k] = mergePatch(tm, pm)
			continue
		}
		target[k] = pv
	}
	return target
}
