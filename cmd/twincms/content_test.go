package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDraftIsPrivateUntilPublished(t *testing.T) {
	ed := shared.newToken(t, "editor")
	p := create(t, shared, ed, minimalPartnership("draft-town", "Osnutek"))
	id := p["id"].(string)
	if p["status"] != "draft" || p["version"].(float64) != 1 {
		t.Fatalf("new partnership: %v", p)
	}
	public := "/api/v1/public/partnerships/draft-town"
	expectProblem(t, shared.do(t, req{Method: "GET", Path: public}), 404, "not-found")
	if strings.Contains(string(shared.do(t, req{Method: "GET", Path: "/api/v1/public/partnerships"}).Body), "draft-town") {
		t.Fatal("draft listed publicly")
	}

	publish := req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: ed}
	expectProblem(t, shared.do(t, publish), 428, "precondition-required")
	publish.Headers = ifMatch(7)
	expectProblem(t, shared.do(t, publish), 412, "version-mismatch")
	publish.Headers = ifMatch(1)
	r := expect(t, shared.do(t, publish), 200)
	if r.Header.Get("ETag") != `"2"` || r.Map(t)["status"] != "published" {
		t.Fatalf("publish: %s %s", r.Header.Get("ETag"), r.Body)
	}
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: ed, Headers: ifMatch(2)}), 409, "conflict")
	got := expect(t, shared.do(t, req{Method: "GET", Path: public}), 200).Map(t)
	if got["name"] != "Osnutek" {
		t.Fatalf("public after publish: %v", got)
	}

	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/unpublish", Token: ed, Headers: ifMatch(2)}), 200)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: public}), 404, "not-found")
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/archive", Token: ed, Headers: ifMatch(3)}), 200)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: public}), 404, "not-found")

	expectProblem(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed}), 428, "precondition-required")
	expectProblem(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: ifMatch(1)}), 412, "version-mismatch")
	expect(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: ifMatch(4)}), 204)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: ed}), 404, "not-found")
}

// Every bad body is refused with a problem naming the field, and nothing
// is stored.
func TestBadPartnershipBodiesAreRefusedAndNothingStored(t *testing.T) {
	ed := shared.newToken(t, "editor")
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
	before := partnershipTotal(t, shared, ed)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			typ := map[int]string{400: "malformed-request", 422: "validation-failed"}[tc.status]
			p := expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: tc.body}), tc.status, typ)
			if tc.field != "" && !strings.Contains(string(mustJSON(t, p["errors"])), `"field":"`+tc.field) &&
				!strings.Contains(string(mustJSON(t, p["errors"])), tc.field) {
				t.Fatalf("errors do not name %s: %v", tc.field, p["errors"])
			}
		})
	}
	if after := partnershipTotal(t, shared, ed); after != before {
		t.Fatalf("rejected requests stored something: %d partnerships before, %d after", before, after)
	}
	// The valid body itself is accepted, so the cases above fail for their
	// own reason.
	create(t, shared, ed, with(func(map[string]any) {}))
}

func TestDuplicateSlugIsAConflict(t *testing.T) {
	ed := shared.newToken(t, "editor")
	create(t, shared, ed, minimalPartnership("twice", "Dvakrat"))
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: minimalPartnership("twice", "Spet")}), 409, "conflict")
	other := create(t, shared, ed, minimalPartnership("once", "Enkrat"))
	expectProblem(t, shared.do(t, req{Method: "PATCH", Path: "/api/v1/partnerships/" + other["id"].(string), Token: ed,
		Headers: ifMatch(1), Body: map[string]any{"slug": "twice"}}), 409, "conflict")
}

func TestConcurrentEditsOneWins(t *testing.T) {
	ed := shared.newToken(t, "editor")
	id := create(t, shared, ed, minimalPartnership("race", "Dirka"))["id"].(string)
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := shared.do(t, req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: ed, Headers: ifMatch(1),
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
	got := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: ed}), 200)
	if got.Header.Get("ETag") != `"2"` {
		t.Fatalf("ETag %s after one winning edit", got.Header.Get("ETag"))
	}
}

func TestMergePatchAndVersionHistory(t *testing.T) {
	ed := shared.newToken(t, "editor")
	body := minimalPartnership("history", "Zgodovina")
	body["partner"].(map[string]any)["name"] = map[string]any{"sl": "Zgodovina", "en": "History"}
	id := create(t, shared, ed, body)["id"].(string)
	path := "/api/v1/partnerships/" + id

	// null removes a translation; other fields stay.
	p := expect(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(1),
		Body: map[string]any{"partner": map[string]any{"name": map[string]any{"en": nil}}}}), 200).Map(t)
	name := p["partner"].(map[string]any)["name"].(map[string]any)
	if _, ok := name["en"]; ok || name["sl"] != "Zgodovina" || p["relation"] != "twin" {
		t.Fatalf("merge patch: %v", p)
	}
	expect(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(2),
		Body: map[string]any{"partner": map[string]any{"website": "https://zgodovina.si"}, "sort": 5}}), 200)
	expectProblem(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(3),
		Body: map[string]any{"status": "published"}}), 400, "malformed-request")

	var hist struct {
		Items []struct {
			Version int64    `json:"version"`
			Action  string   `json:"action"`
			By      string   `json:"by"`
			Changed []string `json:"changed"`
		} `json:"items"`
	}
	expect(t, shared.do(t, req{Method: "GET", Path: path + "/versions", Token: ed}), 200).JSON(t, &hist)
	if len(hist.Items) != 3 || hist.Items[0].Version != 3 || hist.Items[2].Action != "create" ||
		strings.Join(hist.Items[0].Changed, ",") != "partner,sort" || !strings.HasPrefix(hist.Items[0].By, "token:") {
		t.Fatalf("history: %+v", hist.Items)
	}

	v1 := expect(t, shared.do(t, req{Method: "GET", Path: path + "/versions/1", Token: ed}), 200).Map(t)
	if v1["snapshot"].(map[string]any)["partner"].(map[string]any)["name"].(map[string]any)["en"] != "History" {
		t.Fatalf("version 1 snapshot: %v", v1)
	}
	expectProblem(t, shared.do(t, req{Method: "GET", Path: path + "/versions/9", Token: ed}), 404, "not-found")

	restored := expect(t, shared.do(t, req{Method: "POST", Path: path + "/versions/1/restore", Token: ed, Headers: ifMatch(3)}), 200)
	r := restored.Map(t)
	if restored.Header.Get("ETag") != `"4"` || r["status"] != "draft" ||
		r["partner"].(map[string]any)["name"].(map[string]any)["en"] != "History" || r["sort"].(float64) != 0 {
		t.Fatalf("restore: %s %v", restored.Header.Get("ETag"), r)
	}
	expect(t, shared.do(t, req{Method: "GET", Path: path + "/versions", Token: ed}), 200).JSON(t, &hist)
	if hist.Items[0].Action != "restore" || len(hist.Items) != 4 {
		t.Fatalf("history after restore: %+v", hist.Items)
	}
}

func TestLocaleFallbackIsMarked(t *testing.T) {
	cases := []struct {
		name, path, header, wantLocale, field, wantText, wantFrom string
	}{
		{"Serbian for Valjevo", "/api/v1/public/partnerships/valjevo?locale=sr", "", "sr", "name", "Ваљево", "sr"},
		{"Italian falls back to English", "/api/v1/public/partnerships/valjevo?locale=it", "", "it", "official_name", "Municipality of Valjevo", "en"},
		{"Italian for Trbiž", "/api/v1/public/partnerships/trbiz?locale=it", "", "it", "name", "Tarvisio", "it"},
		{"Accept-Language German", "/api/v1/public/partnerships/trbiz", "de-AT,de;q=0.9,en;q=0.5", "de", "name", "Tarvis", "de"},
		{"Accept-Language unknown falls to default", "/api/v1/public/partnerships/trbiz", "fr, ja;q=0.5", "sl", "name", "Trbiž", "sl"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := expect(t, shared.do(t, req{Method: "GET", Path: tc.path, Headers: map[string]string{"Accept-Language": tc.header}}), 200)
			if r.Header.Get("Content-Language") != tc.wantLocale || !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
				t.Fatalf("headers: %v", r.Header)
			}
			m := r.Map(t)
			from := m["field_locales"].(map[string]any)
			if m[tc.field] != tc.wantText || from[tc.field] != tc.wantFrom || m["locale"] != tc.wantLocale {
				t.Fatalf("%s = %v from %v; want %q from %s", tc.field, m[tc.field], from[tc.field], tc.wantText, tc.wantFrom)
			}
		})
	}
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/partnerships/trbiz?locale=xx"}), 400, "malformed-request")

	// Fallback is applied on read only: the stored record keeps no "it".
	ed := shared.newToken(t, "editor")
	var list struct {
		Items []map[string]any `json:"items"`
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships?q=valjevo", Token: ed}), 200).JSON(t, &list)
	if _, ok := list.Items[0]["partner"].(map[string]any)["official_name"].(map[string]any)["it"]; ok {
		t.Fatal("a fallback was written back to the record")
	}
}

func TestNamesSortInSlovenianOrder(t *testing.T) {
	ed := shared.newToken(t, "editor")
	names := []string{"Žalec", "Zagreb", "Šempeter", "Sežana", "Čačak", "Cerknica", "Ajdovščina"}
	for i, n := range names {
		b := minimalPartnership(fmt.Sprintf("collation-%d", i), n)
		b["partner"].(map[string]any)["official_name"] = map[string]any{"sl": "kolacijski test"}
		create(t, shared, ed, b)
	}
	var list struct {
		Items []struct {
			Partner struct {
				Name map[string]string `json:"name"`
			} `json:"partner"`
		} `json:"items"`
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships?q=kolacijski&sort=name", Token: ed}), 200).JSON(t, &list)
	var got []string
	for _, it := range list.Items {
		got = append(got, it.Partner.Name["sl"])
	}
	want := "Ajdovščina,Cerknica,Čačak,Sežana,Šempeter,Zagreb,Žalec"
	if strings.Join(got, ",") != want {
		t.Fatalf("order %v, want %s", got, want)
	}
}

func TestListFiltersAndPaging(t *testing.T) {
	ed := shared.newToken(t, "editor")
	type list struct {
		Items []struct {
			Slug string `json:"slug"`
		} `json:"items"`
		Total   int `json:"total"`
		Page    int `json:"page"`
		PerPage int `json:"per_page"`
	}
	slugs := func(l list) string {
		var s []string
		for _, it := range l.Items {
			s = append(s, it.Slug)
		}
		return strings.Join(s, ",")
	}
	cases := []struct {
		query string
		want  string
		total int
	}{
		{"status=published&relation=twin", "valjevo,trbovlje", 2},
		{"status=published&country=at", "sentjakob-v-rozu", 1},
		{"status=published&area=tourism", "sentjakob-v-rozu,trbiz", 2},
		{"status=published&area=firefighting", "sentjakob-v-rozu", 1},
		{"q=tarvis", "trbiz", 1},
		{"q=SENTJAKOB", "sentjakob-v-rozu", 1},
		{"status=published&relation=cross_border&sort=-name", "trbiz", 1},
		{"status=published&per_page=2&page=2", "nagold,sentjakob-v-rozu", 5},
		{"status=published&per_page=2&page=9", "", 5},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			var l list
			expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships?" + tc.query, Token: ed}), 200).JSON(t, &l)
			if slugs(l) != tc.want || l.Total != tc.total {
				t.Fatalf("got %q (total %d), want %q (total %d)", slugs(l), l.Total, tc.want, tc.total)
			}
		})
	}
	for _, bad := range []string{"per_page=101", "per_page=0", "page=0", "page=-1", "page=x", "status=secret", "relation=enemy", "country=XX", "area=mining", "sort=colour"} {
		t.Run("bad "+bad, func(t *testing.T) {
			expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships?" + bad, Token: ed}), 400, "malformed-request")
		})
	}
}

func TestBlocksAndPages(t *testing.T) {
	ed := shared.newToken(t, "editor")
	b := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "test-block", "body": map[string]any{"sl": "<p>Pozdrav</p>", "en": "<p>Hello</p>"}}}), 201).Map(t)
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "bad-block", "body": map[string]any{"sl": `<p onclick="x()">a</p>`}}}), 422, "validation-failed")
	pg := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/pages", Token: ed,
		Body: map[string]any{"slug": "test-page", "title": map[string]any{"sl": "Testna stran"}, "blocks": []string{"test-block"}}}), 201).Map(t)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/pages/test-page"}), 404, "not-found")
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/pages/" + pg["id"].(string) + "/publish", Token: ed, Headers: ifMatch(1)}), 200)
	page := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/pages/test-page?locale=en"}), 200).Map(t)
	if len(page["blocks"].([]any)) != 0 || page["title"] != "Testna stran" || page["field_locales"].(map[string]any)["title"] != "sl" {
		t.Fatalf("a draft block showed on a published page, or the title is wrong: %v", page)
	}
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/blocks/" + b["id"].(string) + "/publish", Token: ed, Headers: ifMatch(1)}), 200)
	page = expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/pages/test-page?locale=en"}), 200).Map(t)
	if blocks := page["blocks"].([]any); len(blocks) != 1 || blocks[0].(map[string]any)["body"] != "<p>Hello</p>" {
		t.Fatalf("published block missing: %v", page)
	}
	block := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/blocks/test-block?locale=de"}), 200).Map(t)
	if block["body"] != "<p>Hello</p>" || block["field_locales"].(map[string]any)["body"] != "en" {
		t.Fatalf("block fallback: %v", block)
	}
}
