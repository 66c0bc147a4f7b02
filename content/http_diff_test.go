package content_test

import (
	"fmt"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

type diffOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

type diffBody struct {
	From       int      `json:"from"`
	To         int      `json:"to"`
	Operations []diffOp `json:"operations"`
}

// A diff of two versions lists field-level RFC 6902 operations, localized
// fields per locale, and leaves out the server-owned fields.
func TestVersionDiff(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("diff-town", "Primerjava"))
	path := "/api/v1/partnerships/" + p["id"].(string)
	p = apitest.PatchTo(t, s, ed, path, 1, map[string]any{"partner": map[string]any{"name": map[string]string{"en": "Comparison"}}, "areas": []string{"culture", "sport"}})
	p = apitest.PatchTo(t, s, ed, path, 2, map[string]any{"partner": map[string]any{"name": map[string]string{"sl": "Primerjava ob reki"}}, "areas": []string{"culture"}})

	var d diffBody
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/3/diff", Token: ed}), 200).JSON(t, &d)
	if d.From != 2 || d.To != 3 {
		t.Fatalf("from %d to %d, want 2 to 3", d.From, d.To)
	}
	want := map[string]diffOp{
		"/partner/name/sl": {Op: "replace", Value: "Primerjava ob reki"},
		"/areas/1":         {Op: "remove"},
	}
	if len(d.Operations) != len(want) {
		t.Fatalf("operations %+v, want %v", d.Operations, want)
	}
	for _, op := range d.Operations {
		w, ok := want[op.Path]
		if !ok || w.Op != op.Op || w.Value != op.Value {
			t.Fatalf("operation %+v not expected (want %v)", op, want)
		}
	}

	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/3/diff?against=1", Token: ed}), 200).JSON(t, &d)
	got := map[string]string{}
	for _, op := range d.Operations {
		got[op.Path] = op.Op
	}
	if d.From != 1 || got["/partner/name/en"] != "add" || got["/partner/name/sl"] != "replace" || got["/areas/0"] != "add" || len(got) != 3 {
		t.Fatalf("diff 1→3: %+v", d)
	}
	for _, op := range d.Operations {
		for _, owned := range []string{"/version", "/updated_at", "/updated_by", "/status"} {
			if op.Path == owned {
				t.Fatalf("server-owned field in the diff: %+v", op)
			}
		}
	}
	// Version 1 against the empty document: what creating it set.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/1/diff", Token: ed}), 200).JSON(t, &d)
	if d.From != 0 || len(d.Operations) == 0 {
		t.Fatalf("diff of version 1: %+v", d)
	}

	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/9/diff", Token: ed}), 404, "not-found")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/3/diff?against=9", Token: ed}), 404, "not-found")
	// A bad against is 400 on every content type.
	for _, kind := range []string{"partnerships", "blocks", "pages"} {
		id := p["id"].(string)
		switch kind {
		case "blocks":
			id = apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
				Body: map[string]any{"key": "diff-block", "body": map[string]string{"sl": "x"}}}), 201).Map(t)["id"].(string)
		case "pages":
			id = apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
				Body: map[string]any{"slug": "diff-page", "title": map[string]string{"sl": "x"}}}), 201).Map(t)["id"].(string)
		}
		base := fmt.Sprintf("/api/v1/%s/%s/versions/1/diff", kind, id)
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: base + "?against=x", Token: ed}), 400, "malformed-request")
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: base + "?against=-1", Token: ed}), 400, "malformed-request")
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: base, Token: ed}), 200)
	}
}
