package handlers

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
			return nil, models.Hide(models.ErrMalformed, "the body could not be read to its end", err)
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
		return nil, models.Hide(models.ErrMalformed, what+" must be one JSON object: "+jsonErrorText(err), err)
	}
	var p models.Problems
	for _, k := range serverOwned {
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
			field := te.Field
			if field == "" {
				field = "body"
			}
			got, _, _ := strings.Cut(te.Value, " ")
			p.Add(field, "must be a JSON %s, not %s", jsonTypeName(te.Type), got)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			p.Add(name, "is not a known field")
		default:
			return models.Hide(models.ErrMalformed, jsonErrorText(err), err)
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

// jsonErrorText says what is wrong with a JSON text in our words:
// encoding/json's own messages name Go types.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return "null is not an object"
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		got, _, _ := strings.Cut(te.Value, " ")
		return "found a JSON " + got + " where an object belongs"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON text ends early"
	default:
		return "not a valid JSON text"
	}
}

// jsonTypeName is the JSON type a Go type is decoded from.
func jsonTypeName(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return "string"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	default:
		return "value"
	}
}

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

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

// fieldIndex names one element of a list field in problems: "documents[2]".
func fieldIndex(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
