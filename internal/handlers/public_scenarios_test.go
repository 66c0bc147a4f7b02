package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// The public routes the website reads (no token): the demo page, the
// partner list and a partner, blocks, locales, and the refusals.
func TestPublicScenarios(t *testing.T) {
	s := apitest.Shared(t)
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "page", URL: "/api/v1/public/pages/pobratene-obcine", Status: 200, Contains: []string{`"slug":"pobratene-obcine"`}},
		{Name: "page in English", URL: "/api/v1/public/pages/pobratene-obcine?locale=en", Status: 200, Contains: []string{`"locale":"en"`}},
		{Name: "page by Accept-Language", URL: "/api/v1/public/pages/pobratene-obcine", Headers: map[string]string{"Accept-Language": "de-AT, de;q=0.9"},
			Status: 200, Contains: []string{`"locale":"de"`}},
		{Name: "locale not offered", URL: "/api/v1/public/pages/pobratene-obcine?locale=xx", Status: 400, Contains: []string{"malformed-request"}},
		{Name: "unknown page", URL: "/api/v1/public/pages/nope", Status: 404},
		{Name: "partners", URL: "/api/v1/public/partnerships", Status: 200, Contains: []string{`"slug":"nagold"`, `"slug":"valjevo"`}, NotContains: []string{"created_by"}},
		{Name: "a partner with signed links", URL: "/api/v1/public/partnerships/nagold", Status: 200, Contains: []string{"/api/v1/public/files/", "sig="}},
		{Name: "unknown partner", URL: "/api/v1/public/partnerships/nope", Status: 404},
		{Name: "unknown block", URL: "/api/v1/public/blocks/nope", Status: 404},
		{Name: "file link without a signature", URL: "/api/v1/public/files/0123456789abcdef01234567", Status: 403, Contains: []string{"link-invalid"}},
		{Name: "vocabularies", URL: "/api/v1/vocabularies", Status: 200, Contains: []string{"twin", "friendship"}},
	})
}
