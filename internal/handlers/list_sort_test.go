package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// Every column of the admin lists sorts, both ways (status, relation,
// country, page order on partnerships; status on blocks and pages); an
// unknown order is refused.
func TestListsSortByEveryColumn(t *testing.T) {
	s := apitest.Shared(t)
	ed := apitest.Bearer(s.NewToken(t, "editor"))
	stamp := fmt.Sprint(time.Now().UnixNano() % 1e9)
	for _, c := range []struct{ slug, country, relation string }{{"razvrsti-si-" + stamp, "SI", "twin"}, {"razvrsti-at-" + stamp, "AT", "partner"}} {
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Headers: ed, Body: map[string]any{
			"slug": c.slug, "relation": c.relation, "partner": map[string]any{"name": map[string]string{"sl": "Razvrsti " + c.country + " " + stamp}, "country": c.country}}}), 201)
	}
	order := func(sort string) []string {
		t.Helper()
		items := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships?q=" + stamp + "&sort=" + sort, Headers: ed}), 200).Map(t)["items"].([]any)
		var out []string
		for _, it := range items {
			out = append(out, it.(map[string]any)["slug"].(string))
		}
		return out
	}
	si, at := "razvrsti-si-"+stamp, "razvrsti-at-"+stamp
	for sort, want := range map[string][]string{
		"country": {at, si}, "-country": {si, at}, "relation": {at, si}, "-relation": {si, at},
	} {
		if got := order(sort); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sort=%s: %v, want %v", sort, got, want)
		}
	}
	for _, path := range []string{"/api/v1/partnerships?sort=status", "/api/v1/partnerships?sort=-status", "/api/v1/partnerships?sort=-sort",
		"/api/v1/blocks?sort=status", "/api/v1/blocks?sort=-status", "/api/v1/pages?sort=status", "/api/v1/pages?sort=-updated_at"} {
		apitest.Expect(t, s.Do(t, apitest.Req{Path: path, Headers: ed}), 200)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/blocks?sort=relation", Headers: ed}), 400, "malformed-request")
}
