package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// TestSiteAndDocsPages: the demo site and the API reference are served,
// the reference's renderer is vendored (no CDN), and the document it loads
// is there, with every path.
func TestSiteAndDocsPages(t *testing.T) {
	s := apitest.Shared(t)
	notFound := []string{`"type":"urn:twincms:problem:not-found"`, `"status":404`}
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "demo site", URL: "/", Status: 200},
		{Name: "demo site script", URL: "/site/app.js", Status: 200},
		{Name: "reference page", URL: "/docs", Status: 200, NotContains: []string{"cdn."},
			Contains: []string{`spec-url="/openapi.json"`, `src="/docs/redoc.standalone.js"`}},
		{Name: "vendored renderer", URL: "/docs/redoc.standalone.js", Status: 200},
		{Name: "the document", URL: "/openapi.json", Status: 200, Contains: []string{`"openapi":"3.1.0"`, `"/api/v1/public/pages/{slug}"`}},
		{Name: "unknown site file", URL: "/site/nope.js", Status: 404, Contains: notFound},
		{Name: "unknown docs file", URL: "/docs/nope.js", Status: 404, Contains: notFound},
	})
}
