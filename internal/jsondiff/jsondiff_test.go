package jsondiff

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// apply is a small RFC 6902 applier (add, remove, replace), written here
// independently of Diff, to check that the operations turn from into to.
func apply(t *testing.T, doc any, ops []Op) any {
	t.Helper()
	for _, op := range ops {
		var err error
		doc, err = applyOne(doc, op)
		if err != nil {
			t.Fatalf("apply %+v: %v", op, err)
		}
	}
	return doc
}

func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func applyOne(doc any, op Op) (any, error) {
	if op.Path == "" {
		if op.Op == "replace" || op.Op == "add" {
			return op.Value, nil
		}
		return nil, fmt.Errorf("cannot remove the root")
	}
	tokens := strings.Split(op.Path, "/")[1:]
	return set(doc, tokens, op)
}

// set applies op at tokens below node and returns the new node.
func set(node any, tokens []string, op Op) (any, error) {
	key := unescape(tokens[0])
	last := len(tokens) == 1
	switch n := node.(type) {
	case map[string]any:
		if !last {
			child, ok := n[key]
			if !ok {
				return nil, fmt.Errorf("no member %q", key)
			}
			v, err := set(child, tokens[1:], op)
			n[key] = v
			return n, err
		}
		_, exists := n[key]
		switch op.Op {
		case "add":
			n[key] = op.Value
		case "replace":
			if !exists {
				return nil, fmt.Errorf("replace of missing %q", key)
			}
			n[key] = op.Value
		case "remove":
			if !exists {
				return nil, fmt.Errorf("remove of missing %q", key)
			}
			delete(n, key)
		}
		return n, nil
	case []any:
		i, err := strconv.Atoi(key)
		if key == "-" {
			i = len(n)
		} else if err != nil || i < 0 || i > len(n) {
			return nil, fmt.Errorf("bad index %q", key)
		}
		if !last {
			if i >= len(n) {
				return nil, fmt.Errorf("index %d out of range", i)
			}
			v, err := set(n[i], tokens[1:], op)
			n[i] = v
			return n, err
		}
		switch op.Op {
		case "add":
			n = append(n[:i], append([]any{op.Value}, n[i:]...)...)
		case "replace":
			if i >= len(n) {
				return nil, fmt.Errorf("replace past the end")
			}
			n[i] = op.Value
		case "remove":
			if i >= len(n) {
				return nil, fmt.Errorf("remove past the end")
			}
			n = append(n[:i], n[i+1:]...)
		}
		return n, nil
	}
	return nil, fmt.Errorf("cannot descend into %T", node)
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// roundTrip checks the operations through JSON, as a client gets them.
func roundTrip(t *testing.T, ops []Op) []Op {
	t.Helper()
	data, err := json.Marshal(ops)
	if err != nil {
		t.Fatal(err)
	}
	var out []Op
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDiffApplies(t *testing.T) {
	cases := []struct{ name, from, to string }{
		{"equal", `{"a":1}`, `{"a":1}`},
		{"scalar", `{"a":1,"b":"x"}`, `{"a":2,"b":"x"}`},
		{"locale added and changed", `{"title":{"sl":"Nagold"}}`, `{"title":{"sl":"Nagold ob reki","en":"Nagold"}}`},
		{"locale removed", `{"title":{"sl":"a","de":"b"}}`, `{"title":{"sl":"a"}}`},
		{"array grows", `{"areas":["culture"]}`, `{"areas":["culture","sport","youth"]}`},
		{"array shrinks", `{"areas":["a","b","c","d"]}`, `{"areas":["a"]}`},
		{"array item changes inside", `{"agreements":[{"year":1990,"title":{"sl":"x"}}]}`, `{"agreements":[{"year":1991,"title":{"sl":"x","en":"y"}}]}`},
		{"type changes", `{"a":{"b":1}}`, `{"a":[1,2]}`},
		{"null and false kept", `{"a":1,"b":true}`, `{"a":null,"b":false}`},
		{"pointer escaping", `{"a/b":1,"c~d":{"x":1}}`, `{"a/b":2,"c~d":{"x":2}}`},
		{"field added and removed", `{"crest_id":"abc","sort":1}`, `{"sort":1,"website":"https://x.si"}`},
		{"nested arrays", `{"m":[[1,2],[3]]}`, `{"m":[[1],[3,4,5],[6]]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ops, err := Diff(decode(t, c.from), decode(t, c.to), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if c.from == c.to && len(ops) != 0 {
				t.Fatalf("equal documents gave %v", ops)
			}
			got := apply(t, decode(t, c.from), roundTrip(t, ops))
			if !reflect.DeepEqual(got, decode(t, c.to)) {
				t.Fatalf("applying %v to %s gives %v, want %s", ops, c.from, got, c.to)
			}
		})
	}
}

func TestDiffLocalizedFieldsPerLocale(t *testing.T) {
	ops, err := Diff(decode(t, `{"title":{"sl":"Staro","en":"Old"}}`), decode(t, `{"title":{"sl":"Novo","en":"Old","de":"Neu"}}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Op{{Op: "add", Path: "/title/de", Value: "Neu"}, {Op: "replace", Path: "/title/sl", Value: "Novo"}}
	if !reflect.DeepEqual(ops, want) {
		t.Fatalf("ops %v, want %v", ops, want)
	}
}

func TestDiffExcludesAndStructs(t *testing.T) {
	type rec struct {
		ID      string            `json:"id"`
		Version int               `json:"version"`
		Name    map[string]string `json:"name"`
	}
	ops, err := Diff(rec{"x", 1, map[string]string{"sl": "a"}}, rec{"x", 2, map[string]string{"sl": "b"}}, Options{Exclude: []string{"id", "version"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0].Path != "/name/sl" || ops[0].Value != "b" {
		t.Fatalf("ops %v, want one replace of /name/sl", ops)
	}
	// nil from is the empty object: everything is added.
	ops, err = Diff(nil, rec{"x", 1, map[string]string{"sl": "a"}}, Options{Exclude: []string{"id", "version"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0].Op != "add" || ops[0].Path != "/name" {
		t.Fatalf("ops %v, want one add of /name", ops)
	}
}

func TestRemoveHasNoValue(t *testing.T) {
	data, _ := json.Marshal(Op{Op: "remove", Path: "/a"})
	if string(data) != `{"op":"remove","path":"/a"}` {
		t.Fatalf("remove encodes as %s", data)
	}
	data, _ = json.Marshal(Op{Op: "replace", Path: "/a", Value: nil})
	if string(data) != `{"op":"replace","path":"/a","value":null}` {
		t.Fatalf("replace with null encodes as %s", data)
	}
}
