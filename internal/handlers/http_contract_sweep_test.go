package handlers_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// invalidBodies break one rule of each request schema (422 expected).
var invalidBodies = map[string]any{
	"PartnershipInput": map[string]any{"slug": "Bad Slug", "relation": "twin", "partner": map[string]any{"name": map[string]string{"sl": "X"}, "country": "SI"}},
	"BlockInput":       map[string]any{"key": "Bad Key", "body": map[string]string{"sl": "x"}},
	"PageInput":        map[string]any{"slug": "Bad Slug", "title": map[string]string{"sl": "x"}},
	"DocumentInput":    map[string]any{"kind": "poster"},
	"TokenInput":       map[string]any{"name": "x", "role": "king"},
	"PreviewLinkInput": map[string]any{"expires_in": 99999999},
	"ScheduleInput":    map[string]any{"action": "explode", "at": "2030-01-01T00:00:00Z"},
	"UploadRequest":    map[string]any{"filename": "a.pdf", "size": 10, "sha256": "zz", "metadata": map[string]any{"kind": "scan", "title": map[string]string{"sl": "x"}}},
}

// TestContractConformanceSweep walks the document and, for every
// operation, makes the requests its derived statuses promise an answer
// to: 401 without a token, 403 with a role it does not admit, 404 for an
// unknown id, 400 for a bad query or malformed body, 415 for a body that
// is not JSON, 413 for one over the limit, 422 for an invalid one, 428
// without If-Match, 400 with one that is no entity tag, 412 with a stale
// one. Each answer is checked here
// and, like every response, against the document by the harness.
func TestContractConformanceSweep(t *testing.T) {
	s := apitest.Shared(t)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/healthz"}), 200) // loads the document
	doc := apitest.Document()
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	tokens := map[string]string{"admin": apitest.AdminToken, "editor": ed, "archivist": ar}

	// Real resources of each kind, made for the sweep (it never changes them).
	ids := map[string]string{
		"partnerships": apitest.Create(t, s, ed, apitest.MinimalPartnership("sweep", "Pregled"))["id"].(string),
		"blocks": apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
			Body: map[string]any{"key": "sweep", "body": map[string]string{"sl": "x"}}}), 201).Map(t)["id"].(string),
		"pages": apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
			Body: map[string]any{"slug": "sweep", "title": map[string]string{"sl": "x"}}}), 201).Map(t)["id"].(string),
	}
	ids["documents"] = apitest.Expect(t, s.Upload(t, ed, map[string]any{"kind": "scan", "title": map[string]string{"sl": "Pregled"}},
		"pregled.pdf", "", demo.PlaceholderPDF("Sweep "+t.Name())), 201).Map(t)["id"].(string)
	const unknown = "0123456789abcdef01234567"

	resourceOf := func(path string) string {
		parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
		if parts[0] == "archive" && len(parts) > 1 {
			return parts[1]
		}
		return parts[0]
	}
	fill := func(path, id, version string) string {
		return strings.NewReplacer("{id}", id, "{version}", version).Replace(path)
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, o := range doc.Paths.Value(path).Operations() {
			name := method + " " + path
			has := func(status string) bool { return o.Responses.Value(status) != nil }
			roles, _ := o.Extensions["x-roles"].([]any)
			ifMatchRequired := slices.ContainsFunc(o.Parameters, func(p *openapi3.ParameterRef) bool { return p.Value.Name == "If-Match" })
			id := ids[resourceOf(path)]
			if id == "" {
				id = unknown
			}
			real := fill(path, id, "1")
			headers := map[string]string{}
			var jsonBody string
			if o.RequestBody != nil {
				for ct, mt := range o.RequestBody.Value.Content {
					if ct == "application/json" {
						jsonBody = strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
					}
				}
			}
			try := func(what string, r apitest.Req, want int) {
				t.Helper()
				got := s.Do(t, r)
				if got.Status != want || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s, %s: status %d (%s), want a %d problem; body %.200s", name, what, got.Status, got.Header.Get("Content-Type"), want, got.Body)
				}
			}
			if len(roles) > 0 {
				try("no token", apitest.Req{Method: method, Path: real}, 401)
				other := "editor"
				if slices.Contains(roles, any("editor")) {
					other = "archivist"
				}
				// Every role may call a route of everyone: its 403 is a
				// session's (CSRF, a person's own routes), tried in
				// internal/accounts.
				if has("403") && !(slices.Contains(roles, any("editor")) && slices.Contains(roles, any("archivist"))) {
					try("role "+other, apitest.Req{Method: method, Path: real, Token: tokens[other]}, 403)
				}
			}
			if ifMatchRequired {
				cur := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/" + resourceOf(path) + "/" + id, Token: apitest.AdminToken})
				headers = map[string]string{"If-Match": cur.Header.Get("ETag")}
			}
			// Signed links (public files, downloads) check the signature first: 403 before 404.
			if has("404") && strings.Contains(path, "{id}") && !strings.HasPrefix(path, "/api/v1/public") && !strings.HasPrefix(path, "/api/v1/downloads") {
				h := map[string]string{"If-Match": `"1"`}
				try("unknown id", apitest.Req{Method: method, Path: fill(path, unknown, "1"), Token: apitest.AdminToken, Headers: h, Body: emptyBodyFor(jsonBody)}, 404)
			}
			if strings.Contains(path, "{version}") {
				try("unknown version", apitest.Req{Method: method, Path: fill(path, id, "999"), Token: apitest.AdminToken, Headers: headers}, 404)
			}
			if has("400") && len(o.Parameters) > 0 && slices.ContainsFunc(o.Parameters, func(p *openapi3.ParameterRef) bool { return p.Value.Name == "per_page" }) {
				try("per_page=0", apitest.Req{Method: method, Path: real + "?per_page=0", Token: apitest.AdminToken}, 400)
			}
			if jsonBody != "" {
				try("text body", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Body: "x",
					Headers: withHeaders(map[string]string{"Content-Type": "text/plain"}, headers)}, 415)
				try("malformed JSON", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Body: "{", Headers: headers}, 400)
				try("body over the limit", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Headers: headers,
					Body: fmt.Sprintf(`{"x":"%s"}`, strings.Repeat("a", 2<<20))}, 413)
				input := jsonBody
				if base, ok := strings.CutSuffix(jsonBody, "Patch"); ok {
					input = base + "Input"
				}
				if bad, ok := invalidBodies[input]; ok {
					try("invalid body", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Headers: headers, Body: bad}, 422)
				}
			}
			if ifMatchRequired {
				try("no If-Match", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Body: emptyBodyFor(jsonBody)}, 428)
				try("If-Match not an entity tag", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Body: emptyBodyFor(jsonBody),
					Headers: map[string]string{"If-Match": "three"}}, 400)
				try("stale If-Match", apitest.Req{Method: method, Path: real, Token: apitest.AdminToken, Body: emptyBodyFor(jsonBody),
					Headers: map[string]string{"If-Match": `"999"`}}, 412)
			}
		}
	}
}

// emptyBodyFor is an empty merge patch for PATCH operations, else nothing.
func emptyBodyFor(schema string) any {
	if strings.HasSuffix(schema, "Patch") {
		return map[string]any{}
	}
	return nil
}
