package handlers_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/handlers"
)

func TestAuthenticationAndRoles(t *testing.T) {
	editor := apitest.Shared(t).NewToken(t, "editor")
	archivist := apitest.Shared(t).NewToken(t, "archivist")
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
		{"admin on editor route", "GET", "/api/v1/partnerships", apitest.AdminToken, 200, ""},
		{"admin on admin route", "GET", "/api/v1/tokens", apitest.AdminToken, 200, ""},
		{"public route without token", "GET", "/api/v1/public/partnerships", "", 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := apitest.Shared(t).Do(t, apitest.Req{Method: tc.method, Path: tc.path, Token: tc.token})
			if tc.typ != "" {
				apitest.ExpectProblem(t, r, tc.status, tc.typ)
				if tc.status == 401 && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %v", r.Header)
				}
				return
			}
			apitest.Expect(t, r, tc.status)
		})
	}
}

func TestTokensAreShownOnceAndRevocable(t *testing.T) {
	r := apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken,
		Body: map[string]string{"name": "website editor", "role": "editor"}}), 201)
	created := r.Map(t)
	secret, id := created["token"].(string), created["id"].(string)
	if !strings.HasPrefix(secret, "tcms_") || len(secret) < 40 {
		t.Fatalf("secret %q does not look like a fresh token", secret)
	}
	apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Token: secret}), 200)

	list := apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/api/v1/tokens", Token: apitest.AdminToken}), 200)
	if strings.Contains(string(list.Body), secret) || strings.Contains(string(list.Body), `"hash"`) {
		t.Fatalf("token list reveals a secret or hash: %s", list.Body)
	}
	if !strings.Contains(string(list.Body), id) {
		t.Fatalf("token list lacks the new token %s", id)
	}
	apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/tokens/" + id, Token: apitest.AdminToken}), 204)
	apitest.ExpectProblem(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Token: secret}), 401, "unauthorized")
	apitest.ExpectProblem(t, apitest.Shared(t).Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/tokens/" + id, Token: apitest.AdminToken}), 404, "not-found")

	p := apitest.ExpectProblem(t, apitest.Shared(t).Do(t, apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken,
		Body: map[string]string{"name": "x", "role": "superuser"}}), 422, "validation-failed")
	if !strings.Contains(string(apitest.MustJSON(t, p["errors"])), `"role"`) {
		t.Fatalf("problem does not name the role field: %v", p)
	}
}

func TestProblemShapes(t *testing.T) {
	big := `{"name":"` + strings.Repeat("a", 2<<20) + `","role":"editor"}`
	cases := []struct {
		name    string
		r       apitest.Req
		status  int
		typ     string
		ctype   string
		inError string
	}{
		{"unknown route", apitest.Req{Method: "GET", Path: "/api/v1/nothing-here"}, 404, "not-found", "", ""},
		{"unknown method on a route", apitest.Req{Method: "PUT", Path: "/healthz"}, 405, "method-not-allowed", "", ""},
		{"malformed JSON", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: `{"name": "x",`}, 400, "malformed-request", "", ""},
		{"unknown field", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: `{"name":"x","role":"editor","colour":"red"}`}, 400, "malformed-request", "", "colour"},
		{"server-owned field", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: `{"name":"x","role":"editor","id":"abc"}`}, 400, "malformed-request", "", `"id"`},
		{"wrong type", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: `{"name":5,"role":"editor"}`}, 400, "malformed-request", "", "name"},
		{"not JSON", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: `name=x`}, 415, "unsupported-media-type", "text/plain", ""},
		{"over the JSON limit", apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken, Body: big}, 413, "too-large", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ctype != "" {
				tc.r.Headers = map[string]string{"Content-Type": tc.ctype}
			}
			p := apitest.ExpectProblem(t, apitest.Shared(t).Do(t, tc.r), tc.status, tc.typ)
			if p["request_id"] == "" || p["detail"] == "" {
				t.Fatalf("problem lacks detail or request id: %v", p)
			}
			if tc.inError != "" && !strings.Contains(string(apitest.MustJSON(t, p["errors"])), tc.inError) {
				t.Fatalf("errors do not name %s: %v", tc.inError, p)
			}
		})
	}
}

func TestSystemEndpoints(t *testing.T) {
	apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/healthz"}), 200)
	ready := apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/readyz"}), 200).Map(t)
	if ready["status"] != "ready" {
		t.Fatalf("readyz: %v", ready)
	}
	apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships"}), 200)
	m := apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200)
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
	apitest.Expect(t, apitest.Shared(t).Do(t, apitest.Req{Method: "GET", Path: "/openapi.json"}), 200).JSON(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	n := 0
	for _, r := range apitest.Shared(t).App().GetRoutes(true) {
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
