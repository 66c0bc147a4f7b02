package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Tokens and /me: who may manage tokens, what a token sees of itself, and
// that a secret is shown only once.
func TestTokenScenarios(t *testing.T) {
	s := apitest.Shared(t)
	admin := apitest.Bearer(apitest.AdminToken)
	editor := apitest.Bearer(s.NewToken(t, "editor"))
	archivist := apitest.Bearer(s.NewToken(t, "archivist"))
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "no token", URL: "/api/v1/me", Status: 401, Contains: []string{"unauthorized"}},
		{Name: "unknown token", URL: "/api/v1/me", Headers: apitest.Bearer("nope-nope-nope"), Status: 401, Contains: []string{"unauthorized"}},
		{Name: "not bearer", URL: "/api/v1/me", Headers: map[string]string{"Authorization": "Basic YTpi"}, Status: 401},
		{Name: "me as editor", URL: "/api/v1/me", Headers: editor, Status: 200, Contains: []string{`"role":"editor"`}, NotContains: []string{"hash", "token\":"}},
		{Name: "me as archivist", URL: "/api/v1/me", Headers: archivist, Status: 200, Contains: []string{`"role":"archivist"`}},
		{Name: "editor may not list tokens", URL: "/api/v1/tokens", Headers: editor, Status: 403, Contains: []string{"forbidden"}},
		{Name: "admin lists tokens without secrets", URL: "/api/v1/tokens", Headers: admin, Status: 200,
			Contains: []string{`"role":"editor"`, `"prefix"`}, NotContains: []string{apitest.AdminToken, `"hash"`}},
		{Name: "create", Method: "POST", URL: "/api/v1/tokens", Headers: admin, Body: map[string]string{"name": "scenario", "role": "editor"},
			Status: 201, Contains: []string{`"token":"`, `"name":"scenario"`}},
		{Name: "create with a bad role", Method: "POST", URL: "/api/v1/tokens", Headers: admin, Body: map[string]string{"name": "x", "role": "king"},
			Status: 422, Contains: []string{"validation-failed", "role"}},
		{Name: "create with an unknown field", Method: "POST", URL: "/api/v1/tokens", Headers: admin,
			Body: map[string]string{"name": "x", "role": "editor", "hash": "x"}, Status: 400, Contains: []string{"malformed-request"}},
		{Name: "create not JSON", Method: "POST", URL: "/api/v1/tokens", Headers: map[string]string{"Authorization": "Bearer " + apitest.AdminToken, "Content-Type": "text/plain"},
			Body: "name=x", Status: 415, Contains: []string{"unsupported-media-type"}},
		{Name: "revoke unknown", Method: "DELETE", URL: "/api/v1/tokens/0123456789abcdef01234567", Headers: admin, Status: 404},
	})
}
