package handlers_test

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// System routes, the UI files and the answers for paths and methods that
// have no route.
func TestSystemScenarios(t *testing.T) {
	s := apitest.Shared(t)
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "health", URL: "/healthz", Status: 200, Contains: []string{`"status":"ok"`}},
		{Name: "ready", URL: "/readyz", Status: 200, Contains: []string{`"database":"ok"`, `"object_store":"ok"`}},
		{Name: "metrics", URL: "/metrics", Status: 200, Contains: []string{"twincms_http_requests_total"}},
		{Name: "openapi", URL: "/openapi.json", Status: 200, Contains: []string{`"openapi":"3.1.0"`, `"/api/v1/partnerships/{id}"`}},
		{Name: "docs", URL: "/docs", Status: 200, Contains: []string{"<redoc", `spec-url="/openapi.json"`}},
		{Name: "docs file", URL: "/docs/nope.js", Status: 404, Contains: []string{"urn:twincms:problem:not-found"}},
		{Name: "demo site", URL: "/", Status: 200, Contains: []string{"<html"}},
		{Name: "site file", URL: "/site/nope.css", Status: 404, Contains: []string{"not-found"}},
		{Name: "admin UI", URL: "/admin/", Status: 200, Contains: []string{"<html"}},
		{Name: "no route", URL: "/api/v1/nope", Status: 404, Contains: []string{"not-found"}, NotContains: []string{"fiber", "Cannot GET"}},
		{Name: "wrong method", Method: "PUT", URL: "/healthz", Status: 405, Contains: []string{"method-not-allowed", "GET, HEAD"}},
	})
}
