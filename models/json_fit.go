package models

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// fitProblems names every place where the JSON text data does not fit the
// Go type of dst: a value of the wrong JSON type ("1975.5" or "19x5" for
// a year) and every field the type does not know, each with its full
// path (agreements[1].year, so its pointer is /agreements/1/year).
// encoding/json stops at the first such place and names it without its
// index (agreements.year); an editor would fix one field per round trip
// and the form could not find the field. Values with their own decoding
// (json.Unmarshaler: times, raw JSON) are left to the strict decoder.
func fitProblems(data []byte, t reflect.Type) Problems {
	var p Problems
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return p // not JSON at all: the strict decoder says so
	}
	fit(v, t, "", &p)
	return p
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

func fit(v any, t reflect.Type, field string, p *Problems) {
	if v == nil {
		return // null leaves the zero value, as encoding/json does
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || t.Implements(jsonUnmarshaler) {
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if _, ok := v.(string); !ok {
			misfit(p, field, t, v)
		}
		return
	}
	switch t.Kind() {
	case reflect.Interface:
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			misfit(p, field, t, v)
			return
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(obj) {
			ft, known := fields.lookup(k)
			if !known {
				p.Add(join(field, k), "is not a known field")
				continue
			}
			fit(obj[k], ft, join(field, k), p)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			misfit(p, field, t, v)
			return
		}
		for _, k := range sortedKeys(obj) {
			fit(obj[k], t.Elem(), join(field, k), p)
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if _, ok := v.(string); !ok { // []byte is base64 text
				misfit(p, field, t, v)
			}
			return
		}
		arr, ok := v.([]any)
		if !ok {
			misfit(p, field, t, v)
			return
		}
		for i, e := range arr {
			fit(e, t.Elem(), field+"["+strconv.Itoa(i)+"]", p)
		}
	case reflect.String:
		if _, ok := v.(string); !ok {
			misfit(p, field, t, v)
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			misfit(p, field, t, v)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(json.Number); !ok || !fitsInt(string(n), t.Bits()) {
			misfit(p, field, t, v)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n, ok := v.(json.Number); !ok || !fitsUint(string(n), t.Bits()) {
			misfit(p, field, t, v)
		}
	case reflect.Float32, reflect.Float64:
		if n, ok := v.(json.Number); !ok || !fitsFloat(string(n), t.Bits()) {
			misfit(p, field, t, v)
		}
	}
}

// misfit words a wrong JSON type as the strict decoder did, with the path.
func misfit(p *Problems, field string, t reflect.Type, v any) {
	if field == "" {
		field = "body"
	}
	p.Add(field, "must be a JSON %s, not %s", jsonTypeName(t), jsonKind(v))
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		return "null"
	}
}

func fitsInt(s string, bits int) bool {
	_, err := strconv.ParseInt(s, 10, bits)
	return err == nil
}

func fitsUint(s string, bits int) bool {
	_, err := strconv.ParseUint(s, 10, bits)
	return err == nil
}

func fitsFloat(s string, bits int) bool {
	_, err := strconv.ParseFloat(s, bits)
	return err == nil
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// sortedKeys gives problems a stable order (a map forgets the body's).
func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// fieldSet is a struct type's JSON fields, embedded structs' included.
type fieldSet map[string]reflect.Type

// lookup finds a key as encoding/json does: exactly, else ignoring case.
func (f fieldSet) lookup(k string) (reflect.Type, bool) {
	if t, ok := f[k]; ok {
		return t, true
	}
	for name, t := range f {
		if strings.EqualFold(name, k) {
			return t, true
		}
	}
	return nil, false
}

var fieldSets sync.Map // reflect.Type → fieldSet

func jsonFields(t reflect.Type) fieldSet {
	if f, ok := fieldSets.Load(t); ok {
		return f.(fieldSet)
	}
	f := fieldSet{}
	collectFields(t, f)
	fieldSets.Store(t, f)
	return f
}

// collectFields lists t's own fields before those of its embedded
// structs: as in encoding/json, the shallower field wins a name.
func collectFields(t reflect.Type, into fieldSet) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				embedded = append(embedded, et)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, taken := into[name]; !taken {
			into[name] = sf.Type
		}
	}
	for _, et := range embedded {
		collectFields(et, into)
	}
}
