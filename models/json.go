package models

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// DecodeStrict decodes data into dst, refusing unknown fields and type
// mismatches with a field-level problem each, all of them at once. When
// it refuses them, dst still holds every value that fit (PartlyDecoded),
// so the caller can add what its rules say of those (MergeProblems) and
// an editor sees every error of the form in one answer.
func DecodeStrict(data []byte, dst any) error {
	if t := reflect.TypeOf(dst); t != nil {
		if p := fitProblems(data, t); len(p.list) > 0 {
			_ = json.Unmarshal(data, dst) // what fits: unknown fields are ignored, misfits left zero
			return &ValidationError{Kind: ErrMalformed, Problems: p.list, partial: true}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var p Problems
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
			return Hide(ErrMalformed, JSONErrorText(err), err)
		}
		return p.Err(ErrMalformed)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the JSON object", ErrMalformed)
	}
	return nil
}

// JSONErrorText says what is wrong with a JSON text in our words:
// encoding/json's own messages name Go types.
func JSONErrorText(err error) string {
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

// MergePatch applies an RFC 7396 JSON merge patch to target.
func MergePatch(target map[string]any, patch map[string]any) map[string]any {
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
			target[k] = MergePatch(tm, pm)
			continue
		}
		target[k] = pv
	}
	return target
}
