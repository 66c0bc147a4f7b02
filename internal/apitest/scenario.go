package apitest

import (
	"strings"
	"testing"
)

// Scenario is one row of an endpoint group's table: a request and what
// its answer must be. Body is sent as Req.Body is; Contains and
// NotContains are substrings of the response body (headers are checked
// by the contract validator on every exchange).
type Scenario struct {
	Name        string
	Method      string
	URL         string
	Body        any
	Headers     map[string]string
	Status      int
	Contains    []string
	NotContains []string
}

// Bearer is the Authorization header of a token, for Scenario.Headers.
func Bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// RunScenarios runs each scenario as a subtest against the server at base,
// in order (a row may depend on the ones before it).
func RunScenarios(t *testing.T, base string, rows []Scenario) {
	t.Helper()
	for _, sc := range rows {
		t.Run(sc.Name, func(t *testing.T) {
			method := sc.Method
			if method == "" {
				method = "GET"
			}
			r := Do(t, base, Req{Method: method, Path: sc.URL, Body: sc.Body, Headers: sc.Headers})
			if r.Status != sc.Status {
				t.Fatalf("%s %s: status %d, want %d; body: %.400s", method, sc.URL, r.Status, sc.Status, r.Body)
			}
			for _, s := range sc.Contains {
				if !strings.Contains(string(r.Body), s) {
					t.Errorf("%s %s: body lacks %q: %.400s", method, sc.URL, s, r.Body)
				}
			}
			for _, s := range sc.NotContains {
				if strings.Contains(string(r.Body), s) {
					t.Errorf("%s %s: body has %q: %.400s", method, sc.URL, s, r.Body)
				}
			}
		})
	}
}
