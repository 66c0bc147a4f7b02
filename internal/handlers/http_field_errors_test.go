package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// A body with several bad fields gets one 422 naming every one of them,
// each with its JSON Pointer, a stable code and the English detail (the
// old field/problem names stay); nothing is stored.
func TestValidationReturnsEveryFieldError(t *testing.T) {
	s := apitest.Shared(t)
	before := len(s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?per_page=100", Token: apitest.AdminToken}).Map(t)["items"].([]any))
	r := s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: map[string]any{
		"slug": "Bad Slug", "relation": "enemy",
		"partner":    map[string]any{"name": map[string]string{"en": "Only English"}, "country": "NE1"},
		"agreements": []any{map[string]any{"kind": "charter", "year": 1800, "title": map[string]string{"sl": "Listina"}}},
	}})
	p := apitest.ExpectProblem(t, r, 422, "validation-failed")
	want := map[string]string{
		"/slug": "slug_format", "/relation": "not_allowed", "/partner/country": "country_code",
		"/partner/name/sl": "required", "/agreements/0/year": "out_of_range",
	}
	got := map[string]string{}
	for _, e := range p["errors"].([]any) {
		m := e.(map[string]any)
		got[m["pointer"].(string)] = m["code"].(string)
		if m["detail"] == "" || m["detail"] != m["problem"] || m["field"] == "" {
			t.Errorf("error %v lacks detail/problem/field", m)
		}
	}
	for ptr, code := range want {
		if got[ptr] != code {
			t.Errorf("pointer %s: code %q, want %q (all: %v)", ptr, got[ptr], code, got)
		}
	}
	after := len(s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?per_page=100", Token: apitest.AdminToken}).Map(t)["items"].([]any))
	if after != before {
		t.Fatalf("a refused body stored a partnership: %d → %d", before, after)
	}
}
