package content_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

func TestDraftIsPrivateUntilPublished(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	p := apitest.Create(t, shared, ed, apitest.MinimalPartnership("draft-town", "Osnutek"))
	id := p["id"].(string)
	if p["status"] != "draft" || p["version"].(float64) != 1 {
		t.Fatalf("new partnership: %v", p)
	}
	public := "/api/v1/public/partnerships/draft-town"
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")
	if strings.Contains(string(shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships"}).Body), "draft-town") {
		t.Fatal("draft listed publicly")
	}

	publish := apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: ed}
	apitest.ExpectProblem(t, shared.Do(t, publish), 428, "precondition-required")
	publish.Headers = apitest.IfMatch(7)
	apitest.ExpectProblem(t, shared.Do(t, publish), 412, "version-mismatch")
	publish.Headers = apitest.IfMatch(1)
	r := apitest.Expect(t, shared.Do(t, publish), 200)
	if r.Header.Get("ETag") != `"2"` || r.Map(t)["status"] != "published" {
		t.Fatalf("publish: %s %s", r.Header.Get("ETag"), r.Body)
	}
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: ed, Headers: apitest.IfMatch(2)}), 409, "conflict")
	got := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 200).Map(t)
	if got["name"] != "Osnutek" {
		t.Fatalf("public after publish: %v", got)
	}

	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/archive", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")

	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed}), 428, "precondition-required")
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: apitest.IfMatch(1)}), 412, "version-mismatch")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: apitest.IfMatch(4)}), 204)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: ed}), 404, "not-found")
}

// Every bad body is refused with a problem naming the field, and nothing
// is stored.
func TestBadPartnershipBodiesAreRefusedAndNothingStored(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	with := func(mod func(p map[string]any)) map[string]any {
		p := map[string]any{
			"slug": "bad-input", "relation": "twin",
			"partner":    map[string]any{"name": map[string]any{"sl": "Slaba"}, "country": "SI", "website": "https://example.org"},
			"agreements": []any{map[string]any{"kind": "charter", "title": map[string]any{"sl": "Listina"}, "year": 1990}},
			"areas":      []any{"culture"},
			"summary":    map[string]any{"sl": "<p>Dobro</p>"},
		}
		mod(p)
		return p
	}
	partner := func(p map[string]any) map[string]any { return p["partner"].(map[string]any) }
	agreement := func(p map[string]any) map[string]any { return p["agreements"].([]any)[0].(map[string]any) }
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"malformed JSON", `{"slug": "x", `, 400, ""},
		{"array instead of object", `[1,2]`, 400, ""},
		{"unknown field", with(func(p map[string]any) { p["mayor"] = "x" }), 400, "mayor"},
		{"unknown nested field", with(func(p map[string]any) { partner(p)["population"] = 3 }), 400, "population"},
		{"server-owned status", with(func(p map[string]any) { p["status"] = "published" }), 400, "status"},
		{"server-owned version", with(func(p map[string]any) { p["version"] = 9 }), 400, "version"},
		{"javascript website", with(func(p map[string]any) { partner(p)["website"] = "javascript:alert(1)" }), 422, "partner.website"},
		{"ftp website", with(func(p map[string]any) { partner(p)["website"] = "ftp://example.org" }), 422, "partner.website"},
		{"relative website", with(func(p map[string]any) { partner(p)["website"] = "www.valjevo.rs" }), 422, "partner.website"},
		{"unknown country", with(func(p map[string]any) { partner(p)["country"] = "XX" }), 422, "partner.country"},
		{"three-letter country", with(func(p map[string]any) { partner(p)["country"] = "SVN" }), 422, "partner.country"},
		{"year 1200", with(func(p map[string]any) { agreement(p)["year"] = 1200 }), 422, "agreements[0].year"},
		{"year in the future", with(func(p map[string]any) { agreement(p)["year"] = time.Now().Year() + 1 }), 422, "agreements[0].year"},
		{"date outside the year", with(func(p map[string]any) { agreement(p)["date"] = "1991-05-01" }), 422, "agreements[0].date"},
		{"unknown agreement kind", with(func(p map[string]any) { agreement(p)["kind"] = "treaty" }), 422, "agreements[0].kind"},
		{"bad slug", with(func(p map[string]any) { p["slug"] = "Bad Slug!" }), 422, "slug"},
		{"path trick slug", with(func(p map[string]any) { p["slug"] = "../etc" }), 422, "slug"},
		{"unknown relation", with(func(p map[string]any) { p["relation"] = "enemy" }), 422, "relation"},
		{"unknown area", with(func(p map[string]any) { p["areas"] = []any{"culture", "mining"} }), 422, "areas[1]"},
		{"script in rich text", with(func(p map[string]any) { p["summary"] = map[string]any{"sl": "<p>x</p><script>alert(1)</script>"} }), 422, "summary.sl"},
		{"event handler in rich text", with(func(p map[string]any) { p["body"] = map[string]any{"sl": `<img src="x.png" onerror="alert(1)">`} }), 422, "body.sl"},
		{"javascript link in rich text", with(func(p map[string]any) { p["body"] = map[string]any{"en": `<a href="java&#9;script:alert(1)">x</a>`} }), 422, "body.en"},
		{"locale not configured", with(func(p map[string]any) { partner(p)["name"] = map[string]any{"sl": "A", "fr": "B"} }), 422, "partner.name.fr"},
		{"no name in the default locale", with(func(p map[string]any) { partner(p)["name"] = map[string]any{"en": "A"} }), 422, "partner.name.sl"},
		{"invalid crest id", with(func(p map[string]any) { p["crest_id"] = "not-an-id" }), 422, "crest_id"},
		{"wrong type for year", with(func(p map[string]any) { agreement(p)["year"] = "1975" }), 400, "year"},
	}
	before := apitest.PartnershipTotal(t, shared, ed)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := map[int]string{400: "malformed-request", 422: "validation-failed"}[tc.status]
			p := apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: tc.body}), tc.status, typ)
			if tc.field != "" && !strings.Contains(string(apitest.MustJSON(t, p["errors"])), `"field":"`+tc.field) &&
				!strings.Contains(string(apitest.MustJSON(t, p["errors"])), tc.field) {
				t.Fatalf("errors do not name %s: %v", tc.field, p["errors"])
			}
		})
	}
	if after := apitest.PartnershipTotal(t, shared, ed); after != before {
		t.Fatalf("rejected requests stored something: %d partnerships before, %d after", before, after)
	}
	// The valid body itself is accepted, so the cases above fail for their
	// own reason.
	apitest.Create(t, shared, ed, with(func(map[string]any) {}))
}

func TestDuplicateSlugIsAConflict(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	apitest.Create(t, shared, ed, apitest.MinimalPartnership("twice", "Dvakrat"))
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: apitest.MinimalPartnership("twice", "Spet")}), 409, "conflict")
	other := apitest.Create(t, shared, ed, apitest.MinimalPartnership("once", "Enkrat"))
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + other["id"].(string), Token: ed,
		Headers: apitest.IfMatch(1), Body: map[string]any{"slug": "twice"}}), 409, "conflict")
}

func TestConcurrentEditsOneWins(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	id := apitest.Create(t, shared, ed, apitest.MinimalPartnership("race", "Dirka"))["id"].(string)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := shared.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: apitest.IfMatch(1),
				Body: map[string]any{"partner": map[string]any{"name": map[string]any{"sl": fmt.Sprintf("Dirka %d", i)}}}})
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	won := 0
	for _, s := range statuses {
		switch s {
		case 200:
			won++
		case 412:
		default:
			t.Fatalf("unexpected status %d in %v", s, statuses)
		}
	}
	if won != 1 {
		t.Fatalf("%d edits won, want exactly 1: %v", won, statuses)
	}
	got := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: ed}), 200)
	if got.Header.Get("ETag") != `"2"` {
		t.Fatalf("ETag %s after one winning edit", got.Header.Get("ETag"))
	}
}

func TestMergePatchAndVersionHistory(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	body := apitest.MinimalPartnership("history", "Zgodovina")
	body["partner"].(map[string]any)["name"] = map[string]any{"sl": "Zgodovina", "en": "History"}
	id := apitest.Create(t, shared, ed, body)["id"].(string)
	path := "/api/v1/partnerships/" + id

	// null removes a translation; other fields stay.
	p := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"partner": map[string]any{"name": map[string]any{"en": nil}}}}), 200).Map(t)
	name := p["partner"].(map[string]any)["name"].(map[string]any)
	if _, ok := name["en"]; ok || name["sl"] != "Zgodovina" || p["relation"] != "twin" {
		t.Fatalf("merge patch: %v", p)
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(2),
		Body: map[string]any{"partner": map[string]any{"website": "https://zgodovina.si"}, "sort": 5}}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(3),
		Body: map[string]any{"status": "published"}}), 400, "malformed-request")

	var hist struct {
		Items []struct {
			Version int64    `json:"version"`
			Action  string   `json:"action"`
			By      string   `json:"by"`
			Changed []string `json:"changed"`
		} `json:"items"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path + "/versions", Token: ed}), 200).JSON(t, &hist)
	if len(hist.Items) != 3 || hist.Items[0].Version != 3 || hist.Items[2].Action != "create" ||
		strings.Join(hist.Items[0].Changed, ",") != "partner,sort" || !strings.HasPrefix(hist.Items[0].By, "token:") {
		t.Fatalf("history: %+v", hist.Items)
	}

	v1 := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/1", Token: ed}), 200).Map(t)
	if v1["snapshot"].(map[string]any)["partner"].(map[string]any)["name"].(map[string]any)["en"] != "History" {
		t.Fatalf("version 1 snapshot: %v", v1)
	}
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/9", Token: ed}), 404, "not-found")

	restored := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/versions/1/restore", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	r := restored.Map(t)
	if restored.Header.Get("ETag") != `"4"` || r["status"] != "draft" ||
		r["partner"].(map[string]any)["name"].(map[string]any)["en"] != "History" || r["sort"].(float64) != 0 {
		t.Fatalf("restore: %s %v", restored.Header.Get("ETag"), r)
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path + "/versions", Token: ed}), 200).JSON(t, &hist)
	if hist.Items[0].Action != "restore" || len(hist.Items) != 4 {
		t.Fatalf("history after restore: %+v", hist.Items)
	}
}
