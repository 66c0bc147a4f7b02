package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

func partnership(slug, name string) map[string]any {
	return map[string]any{"slug": slug, "relation": "twin",
		"partner": map[string]any{"name": map[string]string{"sl": name}, "country": "SI"}}
}

// withHeaders merges header maps (the later wins).
func withHeaders(hs ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, h := range hs {
		for k, v := range h {
			out[k] = v
		}
	}
	return out
}

// One partnership through its life over the API, in order: each row's
// If-Match is the version the rows before it left.
func TestPartnershipScenarios(t *testing.T) {
	s := apitest.Shared(t)
	ed := apitest.Bearer(s.NewToken(t, "editor"))
	ar := apitest.Bearer(s.NewToken(t, "archivist"))
	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Headers: ed,
		Body: partnership("scenario-town", "Scenarij")}), 201).Map(t)
	p := "/api/v1/partnerships/" + created["id"].(string)
	v := func(n string) map[string]string { return withHeaders(ed, map[string]string{"If-Match": `"` + n + `"`}) }
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "list needs a token", URL: "/api/v1/partnerships", Status: 401},
		{Name: "archivist may not read content", URL: p, Headers: ar, Status: 403, Contains: []string{"forbidden"}},
		{Name: "editor reads", URL: p, Headers: ed, Status: 200, Contains: []string{`"slug":"scenario-town"`}},
		{Name: "archivist may not write", Method: "POST", URL: "/api/v1/partnerships", Headers: ar, Body: partnership("no", "Ne"), Status: 403},
		{Name: "duplicate slug", Method: "POST", URL: "/api/v1/partnerships", Headers: ed, Body: partnership("scenario-town", "Dvojnik"), Status: 409, Contains: []string{"conflict"}},
		{Name: "invalid slug", Method: "POST", URL: "/api/v1/partnerships", Headers: ed, Body: partnership("Bad Slug", "X"), Status: 422, Contains: []string{`"field":"slug"`}},
		{Name: "server-owned field", Method: "POST", URL: "/api/v1/partnerships", Headers: ed,
			Body:   map[string]any{"slug": "owned", "relation": "twin", "version": 7, "partner": map[string]any{"name": map[string]string{"sl": "X"}, "country": "SI"}},
			Status: 400, Contains: []string{"malformed-request"}},
		{Name: "malformed JSON", Method: "POST", URL: "/api/v1/partnerships", Headers: ed, Body: `{"slug":`, Status: 400, NotContains: []string{"unexpected EOF", "json:"}},
		{Name: "unknown id", URL: "/api/v1/partnerships/0123456789abcdef01234567", Headers: ed, Status: 404},
		{Name: "list filters", URL: "/api/v1/partnerships?status=draft&q=scenarij", Headers: ed, Status: 200, Contains: []string{"scenario-town"}},
		{Name: "bad list query", URL: "/api/v1/partnerships?per_page=9999", Headers: ed, Status: 400},
		{Name: "patch needs If-Match", Method: "PATCH", URL: p, Headers: ed, Body: map[string]any{"sort": 3}, Status: 428, Contains: []string{"precondition-required"}},
		{Name: "patch with a bad tag", Method: "PATCH", URL: p, Headers: withHeaders(ed, map[string]string{"If-Match": "v1"}), Body: map[string]any{"sort": 3}, Status: 400},
		{Name: "patch", Method: "PATCH", URL: p, Headers: v("1"), Body: map[string]any{"sort": 3}, Status: 200, Contains: []string{`"version":2`, `"sort":3`}},
		{Name: "patch a stale version", Method: "PATCH", URL: p, Headers: v("1"), Body: map[string]any{"sort": 4}, Status: 412, Contains: []string{"version-mismatch"}},
		{Name: "draft is not public", URL: "/api/v1/public/partnerships/scenario-town", Status: 404},
		{Name: "publish", Method: "POST", URL: p + "/publish", Headers: v("2"), Status: 200, Contains: []string{`"status":"published"`}},
		{Name: "publish again", Method: "POST", URL: p + "/publish", Headers: v("3"), Status: 409},
		{Name: "now public", URL: "/api/v1/public/partnerships/scenario-town", Status: 200, Contains: []string{`"slug":"scenario-town"`}, NotContains: []string{"created_by", "version"}},
		{Name: "versions", URL: p + "/versions", Headers: ed, Status: 200, Contains: []string{`"action":"publish"`}},
		{Name: "unknown version", URL: p + "/versions/99", Headers: ed, Status: 404},
		{Name: "restore version 1", Method: "POST", URL: p + "/versions/1/restore", Headers: v("3"), Status: 200, Contains: []string{`"version":4`}},
		{Name: "archive", Method: "POST", URL: p + "/archive", Headers: v("4"), Status: 200, Contains: []string{`"status":"archived"`}},
		{Name: "archived is not public", URL: "/api/v1/public/partnerships/scenario-town", Status: 404},
		{Name: "delete a stale version", Method: "DELETE", URL: p, Headers: v("4"), Status: 412},
		{Name: "delete", Method: "DELETE", URL: p, Headers: v("5"), Status: 204},
		{Name: "gone after delete", URL: p, Headers: ed, Status: 404},
	})
}
