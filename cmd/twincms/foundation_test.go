package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jesenice/twincms/handlers"
)

func TestAuthenticationAndRoles(t *testing.T) {
	editor := shared.newToken(t, "editor")
	archivist := shared.newToken(t, "archivist")
	cases := []struct {
		name   string
		method string
		path   string
		token  string
		status int
		typ    string
	}{
		{"no token on editor route", "GET", "/api/v1/partnerships", "", 401, "unauthorized"},
		{"unknown token", "GET", "/api/v1/partnerships", "tcms_not-a-real-token", 401, "unauthorized"},
		{"archivist on editor route", "GET", "/api/v1/partnerships", archivist, 403, "forbidden"},
		{"editor on admin route", "GET", "/api/v1/tokens", editor, 403, "forbidden"},
		{"editor on editor route", "GET", "/api/v1/partnerships", editor, 200, ""},
		{"admin on editor route", "GET", "/api/v1/partnerships", testAdminToken, 200, ""},
		{"admin on admin route", "GET", "/api/v1/tokens", testAdminToken, 200, ""},
		{"public route without token", "GET", "/api/v1/public/partnerships", "", 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := shared.do(t, req{Method: tc.method, Path: tc.path, Token: tc.token})
			if tc.typ != "" {
				expectProblem(t, r, tc.status, tc.typ)
				if tc.status == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %v", r.Header)
				}
				return
			}
			expect(t, r, tc.status)
		})
	}
}

func TestTokensAreShownOnceAndRevocable(t *testing.T) {
	r := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken,
		Body: map[string]string{"name": "website editor", "role": "editor"}}), 201)
	created := r.Map(t)
	secret, id := created["token"].(string), created["id"].(string)
	if !strings.HasPrefix(secret, "tcms_") || len(secret) < 40 {
		t.Fatalf("secret %q does not look like a fresh token", secret)
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships", Token: secret}), 200)

	list := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/tokens", Token: testAdminToken}), 200)
	if strings.Contains(string(list.Body), secret) || strings.Contains(string(list.Body), `"hash"`) {
		t.Fatalf("token list reveals a secret or hash: %s", list.Body)
	}
	if !strings.Contains(string(list.Body), id) {
		t.Fatalf("token list lacks the new token %s", id)
	}
	expect(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/tokens/" + id, Token: testAdminToken}), 204)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships", Token: secret}), 401, "unauthorized")
	expectProblem(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/tokens/" + id, Token: testAdminToken}), 404, "not-found")

	p := expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken,
		Body: map[string]string{"name": "x", "role": "superuser"}}), 422, "validation-failed")
	if !strings.Contains(string(mustJSON(t, p["errors"])), `"role"`) {
		t.Fatalf("problem does not name the role field: %v", p)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestProblemShapes(t *testing.T) {
	big := `{"name":"` + strings.Repeat("a", 2<<20) + `","role":"editor"}`
	cases := []struct {
		name    string
		r       req
		status  int
		typ     string
		ctype   string
		inError string
	}{
		{"unknown route", req{Method: "GET", Path: "/api/v1/nothing-here"}, 404, "not-found", "", ""},
		{"unknown method on a route", req{Method: "PUT", Path: "/healthz"}, 405, "method-not-allowed", "", ""},
		{"malformed JSON", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: `{"name": "x",`}, 400, "malformed-request", "", ""},
		{"unknown field", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: `{"name":"x","role":"editor","colour":"red"}`}, 400, "malformed-request", "", "colour"},
		{"server-owned field", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: `{"name":"x","role":"editor","id":"abc"}`}, 400, "malformed-request", "", `"id"`},
		{"wrong type", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: `{"name":5,"role":"editor"}`}, 400, "malformed-request", "", "name"},
		{"not JSON", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: `name=x`}, 415, "unsupported-media-type", "text/plain", ""},
		{"over the JSON limit", req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken, Body: big}, 413, "too-large", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ctype != "" {
				tc.r.Headers = map[string]string{"Content-Type": tc.ctype}
			}
			p := expectProblem(t, shared.do(t, tc.r), tc.status, tc.typ)
			if p["request_id"] == "" || p["detail"] == "" {
				t.Fatalf("problem lacks detail or request id: %v", p)
			}
			if tc.inError != "" && !strings.Contains(string(mustJSON(t, p["errors"])), tc.inError) {
				t.Fatalf("errors do not name %s: %v", tc.inError, p)
			}
		})
	}
}

func TestSystemEndpoints(t *testing.T) {
	expect(t, shared.do(t, req{Method: "GET", Path: "/healthz"}), 200)
	ready := expect(t, shared.do(t, req{Method: "GET", Path: "/readyz"}), 200).Map(t)
	if ready["status"] != "ready" {
		t.Fatalf("readyz: %v", ready)
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/partnerships"}), 200)
	m := expect(t, shared.do(t, req{Method: "GET", Path: "/metrics"}), 200)
	if !strings.Contains(string(m.Body), `twincms_http_requests_total{method="GET",route="/api/v1/public/partnerships",status="200"}`) ||
		!strings.Contains(string(m.Body), "twincms_http_request_duration_seconds_bucket") {
		t.Fatalf("metrics lack request counters by route: %.2000s", m.Body)
	}
}

// Every route the app registers must be in the OpenAPI document, with
// its method, so the document matches what the server does.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/openapi.json"}), 200).JSON(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	n := 0
	for _, r := range shared.srv.App.GetRoutes(true) {
		if r.Method == "HEAD" || r.Path == "/" || strings.HasSuffix(r.Path, "*") {
			continue // HEAD mirrors GET; "/" is the middleware
		}
		n++
		ops, ok := doc.Paths[handlers.OpenAPIPath(r.Path)]
		if !ok || ops[strings.ToLower(r.Method)] == nil {
			t.Errorf("route %s %s is missing from openapi.json", r.Method, r.Path)
		}
	}
	if n < 40 {
		t.Fatalf("only %d routes seen; the route walk is broken", n)
	}
}

func TestReadinessFailsWhenObjectStoreStops(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200)
	if err := s.srv.embS3.Close(); err != nil {
		t.Fatal(err)
	}
	r := s.do(t, req{Method: "GET", Path: "/readyz"})
	p := expectProblem(t, r, 503, "not-ready")
	checks := p["checks"].(map[string]any)
	if checks["object_store"] != "unavailable" || checks["database"] != "ok" {
		t.Fatalf("checks %v, want object_store unavailable and database ok", checks)
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/healthz"}), 200)
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	editor := s.newToken(t, "editor")
	created := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: editor, Body: minimalPartnership("restart-town", "Restart")}), 201).Map(t)
	id := created["id"].(string)
	s3Addr := s.cfg.S3Addr
	s.close()

	s2, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_S3_ADDR": s3Addr})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.close()
	got := expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: editor}), 200).Map(t)
	if got["slug"] != "restart-town" {
		t.Fatalf("after restart: %v", got)
	}
	expect(t, s2.do(t, req{Method: "GET", Path: "/readyz"}), 200)
}
