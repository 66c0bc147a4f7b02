// Package jsondiff computes the difference of two JSON documents as RFC 6902
// JSON Patch operations, so an editor sees what changed between two
// versions field by field and a client can replay it.
//
// Objects are compared key by key (so a localized field yields one
// operation per locale, /title/sl), scalars by value, and arrays by index:
// the content types' arrays (agreements, document references, areas, block
// keys) have no stable item id of their own, and an index diff is what
// applying the operations needs. A changed item gets operations inside it;
// items added at the end are "add"s in ascending order, items removed from
// the end are "remove"s from the last one down, so the operations apply in
// the order given.
package jsondiff

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Op is one RFC 6902 operation. Value is absent for "remove".
type Op struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// MarshalJSON keeps a null or false value of "add"/"replace" (omitempty
// would drop them) and leaves it out of "remove".
func (o Op) MarshalJSON() ([]byte, error) {
	if o.Op == "remove" {
		return json.Marshal(struct {
			Op   string `json:"op"`
			Path string `json:"path"`
		}{o.Op, o.Path})
	}
	return json.Marshal(struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}{o.Op, o.Path, o.Value})
}

// Options say which top-level members take no part in the comparison
// (server-owned fields such as version and timestamps).
type Options struct {
	Exclude []string
}

// Diff returns the operations that turn from into to. Both are encoded to
// JSON first (so struct tags decide the names); nil from is the empty
// object (a resource before its first version).
func Diff(from, to any, o Options) ([]Op, error) {
	a, err := normalize(from)
	if err != nil {
		return nil, err
	}
	b, err := normalize(to)
	if err != nil {
		return nil, err
	}
	for _, k := range o.Exclude {
		if m, ok := a.(map[string]any); ok {
			delete(m, k)
		}
		if m, ok := b.(map[string]any); ok {
			delete(m, k)
		}
	}
	ops := []Op{}
	compare(&ops, "", a, b)
	return ops, nil
}

// normalize turns v into the generic form encoding/json decodes to.
func normalize(v any) (any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func compare(ops *[]Op, path string, a, b any) {
	switch av := a.(type) {
	case map[string]any:
		if bv, ok := b.(map[string]any); ok {
			compareObjects(ops, path, av, bv)
			return
		}
	case []any:
		if bv, ok := b.([]any); ok {
			compareArrays(ops, path, av, bv)
			return
		}
	}
	if !reflect.DeepEqual(a, b) {
		*ops = append(*ops, Op{Op: "replace", Path: path, Value: b})
	}
}

func compareObjects(ops *[]Op, path string, a, b map[string]any) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := path + "/" + escape(k)
		av, inA := a[k]
		bv, inB := b[k]
		switch {
		case !inB:
			*ops = append(*ops, Op{Op: "remove", Path: p})
		case !inA:
			*ops = append(*ops, Op{Op: "add", Path: p, Value: bv})
		default:
			compare(ops, p, av, bv)
		}
	}
}

func compareArrays(ops *[]Op, path string, a, b []any) {
	common := min(len(a), len(b))
	for i := range common {
		compare(ops, path+"/"+strconv.Itoa(i), a[i], b[i])
	}
	for i := common; i < len(b); i++ {
		*ops = append(*ops, Op{Op: "add", Path: path + "/" + strconv.Itoa(i), Value: b[i]})
	}
	for i := len(a) - 1; i >= common; i-- {
		*ops = append(*ops, Op{Op: "remove", Path: path + "/" + strconv.Itoa(i)})
	}
}

// escape makes a member name a JSON Pointer token (RFC 6901 §3).
func escape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
