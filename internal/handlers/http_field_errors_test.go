package handlers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
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

// A unique value another record holds (a slug, a block's key, a user's
// email) is a 409 that names its field as a field problem: pointer, the
// code "taken" and the English detail, so a form says it beside the
// field in its own language. Nothing of the refused request is stored.
func TestATakenUniqueValueIsNamedAsAFieldProblem(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	cases := []struct {
		path, pointer string
		body          func() any
	}{
		{"/api/v1/partnerships", "/slug", func() any { return apitest.MinimalPartnership("taken-slug", "Zasedeno") }},
		{"/api/v1/blocks", "/key", func() any { return map[string]any{"key": "taken-key", "body": map[string]string{"sl": "x"}} }},
		{"/api/v1/pages", "/slug", func() any { return map[string]any{"slug": "taken-page", "title": map[string]string{"sl": "x"}} }},
		{"/api/v1/users", "/email", func() any {
			return map[string]string{"email": "zasedeno@jesenice.si", "name": "Zasedeno", "role": "editor"}
		}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			token := ed
			if c.path == "/api/v1/users" {
				token = apitest.AdminToken
			}
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: c.path, Token: token, Body: c.body()}), 201)
			count := func() int {
				return len(apitest.Expect(t, s.Do(t, apitest.Req{Path: c.path + "?per_page=100", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any))
			}
			before := count()
			p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: c.path, Token: token, Body: c.body()}), 409, "conflict")
			errs, _ := p["errors"].([]any)
			if len(errs) != 1 {
				t.Fatalf("errors: %v, want one naming %s", p["errors"], c.pointer)
			}
			e := errs[0].(map[string]any)
			if e["pointer"] != c.pointer || e["code"] != "taken" || e["detail"] == "" {
				t.Errorf("error %v, want pointer %s and code taken with a detail", e, c.pointer)
			}
			if p["code"] != "taken" {
				t.Errorf("the problem's code is %v, want taken", p["code"])
			}
			if d, _ := p["detail"].(string); !strings.Contains(d, "already taken") {
				t.Errorf("detail %q does not say the value is taken", d)
			}
			if after := count(); after != before {
				t.Errorf("a refused request stored a record: %d → %d", before, after)
			}
		})
	}
}

// A 409 names why with a stable code (the problem's code member) a client
// says in its own language; the codes are the OpenAPI enum's.
func TestAConflictNamesItsKind(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	path := apitest.PartnershipPath(apitest.Create(t, s, ed, apitest.MinimalPartnership("spor-brez-osnutka", "Spor")))
	p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/discard-draft", Token: ed, Headers: apitest.IfMatch(1)}), 409, "conflict")
	if p["code"] != "no_draft" && p["code"] != "never_published" {
		t.Errorf("discarding a draft never published: code %v (%v)", p["code"], p["detail"])
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/openapi.json"}), 200).JSON(t, &spec)
	if got := spec.Components.Schemas["Problem"].Properties["code"].Enum; !slices.Equal(got, models.ConflictCodes) {
		t.Errorf("openapi.json's conflict codes %v, models' %v", got, models.ConflictCodes)
	}
}

// A value of the wrong JSON type ("19x5" or 1975.5 for a year, a string
// for a list) and a field the record does not have are named at their
// exact place (/agreements/1/year, not /agreements/year), all of them,
// together with what the rules say of the values that fitted: an editor
// fixes the whole form in one round trip. The answer stays a 400, on
// create and on a merge patch alike, and nothing is stored.
func TestWrongTypesAreNamedWithEveryOtherFieldError(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	codes := func(p map[string]any) map[string]string {
		got := map[string]string{}
		for _, e := range p["errors"].([]any) {
			m := e.(map[string]any)
			got[m["pointer"].(string)] = m["code"].(string)
			if d, _ := m["detail"].(string); d == "" || strings.Contains(d, "Go ") || strings.Contains(d, "int64") {
				t.Errorf("error %v: detail %q", m, d)
			}
		}
		return got
	}
	expect := func(t *testing.T, got, want map[string]string) {
		t.Helper()
		for ptr, code := range want {
			if got[ptr] != code {
				t.Errorf("pointer %s: code %q, want %q (all: %v)", ptr, got[ptr], code, got)
			}
		}
		if len(got) != len(want) {
			t.Errorf("errors %v, want exactly %v", got, want)
		}
	}
	count := func() float64 {
		return apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships?per_page=1", Token: ed}), 200).Map(t)["total"].(float64)
	}
	before := count()
	t.Run("create", func(t *testing.T) {
		title := map[string]string{"sl": "Listina"}
		p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: map[string]any{
			"slug": "Bad Slug", "relation": "twin", "sort": 1.5,
			"partner": map[string]any{"name": map[string]string{"en": "Only English"}, "country": "SI", "nickname": "x"},
			"agreements": []any{
				map[string]any{"kind": "charter", "year": 1800, "title": title},
				map[string]any{"kind": "charter", "year": "19x5", "title": title},
				map[string]any{"kind": "charter", "year": 1975.5, "title": title},
			},
			"areas": "culture",
		}}), 400, "malformed-request")
		expect(t, codes(p), map[string]string{
			"/sort": "wrong_type", "/agreements/1/year": "wrong_type", "/agreements/2/year": "wrong_type",
			"/areas": "wrong_type", "/partner/nickname": "unknown_field",
			"/slug": "slug_format", "/partner/name/sl": "required", "/agreements/0/year": "out_of_range",
		})
	})
	t.Run("merge patch", func(t *testing.T) {
		made := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed,
			Body: apitest.MinimalPartnership("wrong-types-patch", "Napačne vrste")}), 201).Map(t)
		path := "/api/v1/partnerships/" + made["id"].(string)
		defer s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: apitest.AdminToken, Headers: map[string]string{"If-Match": `"1"`}})
		p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed,
			Headers: map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"},
			Body:    map[string]any{"slug": "Bad Slug", "sort": "deseti"}}), 400, "malformed-request")
		expect(t, codes(p), map[string]string{"/sort": "wrong_type", "/slug": "slug_format"})
		if got := apitest.Expect(t, s.Do(t, apitest.Req{Path: path, Token: ed}), 200).Map(t); got["version"].(float64) != 1 || got["slug"] != "wrong-types-patch" {
			t.Errorf("a refused patch changed the record: version %v, slug %v", got["version"], got["slug"])
		}
	})
	t.Run("document description", func(t *testing.T) {
		docs := func() float64 {
			return apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/documents?per_page=1", Token: ed}), 200).Map(t)["total"].(float64)
		}
		had := docs()
		p := apitest.ExpectProblem(t, s.Upload(t, ed, map[string]any{"kind": "nope", "title": map[string]string{"sl": "Listina"},
			"decorative": "yes", "provenance": map[string]any{}}, "listina.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n")), 400, "malformed-request")
		expect(t, codes(p), map[string]string{"/decorative": "wrong_type", "/kind": "not_allowed"})
		if now := docs(); now != had {
			t.Errorf("a refused upload stored a document: %v → %v", had, now)
		}
	})
	if after := count(); after != before {
		t.Errorf("a refused body stored a partnership: %v → %v", before, after)
	}
}
