package storage_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// The tests here start pairs of real servers on one database: the
// in-memory indexes' consistency across instances.
func TestMain(m *testing.M) { os.Exit(apitest.LazyMain(m, apitest.CoverNothing)) }

// Two instances with memory indexes on one database: each reads its own
// writes at once; the other sees them within its poll (2 s) and a reload,
// here allowed 15 s; a get by id of a document created elsewhere finds it
// at once.
func TestDocumentIndexAcrossInstances(t *testing.T) {
	first := apitest.Empty(t, nil)
	second := first.Sibling(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	ids := func(s *apitest.Server, query string) map[string]any {
		var list struct {
			Items []map[string]any `json:"items"`
		}
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?" + query, Token: apitest.AdminToken}), 200).JSON(t, &list)
		out := map[string]any{}
		for _, it := range list.Items {
			out[it["id"].(string)] = it["title"].(map[string]any)["sl"]
		}
		return out
	}
	data := apitest.PDFBytes("across instances", 8192)
	id := apitest.Expect(t, first.Upload(t, apitest.AdminToken, apitest.DocMeta("charter", "Listina Kranjska"), "listina.pdf", "", data), 201).Map(t)["id"].(string)
	// Read-your-writes on the writer; a get by id on the other at once.
	if got := ids(first, "q=kranjska"); got[id] != "Listina Kranjska" {
		t.Fatalf("the writer does not list its upload: %v", got)
	}
	apitest.Expect(t, second.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: apitest.AdminToken}), 200)
	apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return ids(second, "q=kranjska")[id] == "Listina Kranjska" })

	// A change on the second: the second at once, the first within its poll.
	apitest.Expect(t, second.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + id, Token: apitest.AdminToken, Body: `{"title":{"sl":"Listina Gorenjska"}}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 200)
	if got := ids(second, "q=gorenjska"); got[id] != "Listina Gorenjska" {
		t.Fatalf("the writer does not list its change: %v", got)
	}
	apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return ids(first, "q=gorenjska")[id] == "Listina Gorenjska" })
	// A stale version is refused on either instance: the database judges.
	apitest.Expect(t, first.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + id, Token: apitest.AdminToken, Body: `{"title":{"sl":"Zastarelo"}}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 412)

	// A purge on the first: gone from the second's lists and gets.
	apitest.Expect(t, first.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id + "/purge", Token: apitest.AdminToken}), 204)
	if got := ids(first, "q=gorenjska"); got[id] != nil {
		t.Fatalf("the writer still lists its purged document: %v", got)
	}
	apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool {
		return ids(second, "q=gorenjska")[id] == nil &&
			second.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: apitest.AdminToken}).Status == 404
	})
}

// The archive's partnership list and year search come from an in-memory
// partnership index: a partnership written on one instance shows at once
// on that instance and on another sharing the database (each request
// checks the shared counter), renamed, re-dated and deleted alike.
func TestPartnershipIndexAcrossInstances(t *testing.T) {
	first := apitest.Empty(t, nil)
	second := first.Sibling(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	names := func(s *apitest.Server) map[string]string {
		var list struct {
			Items []map[string]string `json:"items"`
		}
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships", Token: apitest.AdminToken}), 200).JSON(t, &list)
		out := map[string]string{}
		for _, it := range list.Items {
			out[it["id"]] = it["name"]
		}
		return out
	}
	byYear := func(s *apitest.Server, query string) []string {
		return s.ArchiveDocs(t, apitest.AdminToken, query)
	}
	// Both load their index before the writes.
	names(first)
	names(second)
	doc := apitest.Expect(t, first.Upload(t, apitest.AdminToken, map[string]any{"kind": "agreement", "title": map[string]string{"sl": "Pogodba"}},
		"pogodba.pdf", "", apitest.PDFBytes("partnership index", 2048)), 201).Map(t)["id"].(string)
	p := apitest.MinimalPartnership("indeks", "Indeks")
	p["agreements"] = []any{map[string]any{"kind": "cooperation_agreement", "title": map[string]string{"sl": "Pogodba"}, "year": 1991, "document_id": doc}}
	id := apitest.Expect(t, first.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: p}), 201).Map(t)["id"].(string)
	// The document itself reaches the second's document index within its
	// poll; the partnership at once.
	apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return len(second.ArchiveDocs(t, apitest.AdminToken, "q=pogodba.pdf")) == 1 })
	for _, s := range []*apitest.Server{first, second} {
		if got := names(s)[id]; got != "Indeks" {
			t.Fatalf("archive list names %q, want Indeks", got)
		}
		if got := byYear(s, "year_from=1991&year_to=1991"); strings.Join(got, ",") != doc {
			t.Fatalf("year search: %v, want %s", got, doc)
		}
	}
	// Renamed and re-dated on the second.
	apitest.Expect(t, second.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken,
		Body:    `{"partner":{"name":{"sl":"Preimenovan"}},"agreements":[{"kind":"cooperation_agreement","title":{"sl":"Pogodba"},"year":1993,"document_id":"` + doc + `"}]}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 200)
	for _, s := range []*apitest.Server{second, first} {
		if got := names(s)[id]; got != "Preimenovan" {
			t.Fatalf("archive list names %q, want Preimenovan", got)
		}
		if got := byYear(s, "year_from=1991&year_to=1991"); len(got) != 0 {
			t.Fatalf("year search 1991 after the change: %v", got)
		}
		if got := byYear(s, "year_from=1993&year_to=1993"); strings.Join(got, ",") != doc {
			t.Fatalf("year search 1993: %v, want %s", got, doc)
		}
	}
	apitest.Expect(t, first.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken, Headers: apitest.IfMatch(2)}), 204)
	for _, s := range []*apitest.Server{first, second} {
		if _, ok := names(s)[id]; ok {
			t.Fatal("a deleted partnership is still listed")
		}
		if got := byYear(s, "year_from=1993&year_to=1993"); len(got) != 0 {
			t.Fatalf("year search after the delete: %v", got)
		}
	}
}

// The editor lists of partnerships, blocks and pages come from memory on
// the embedded default: the instance that wrote lists its write at once;
// another instance on the same database within its poll (2 s) and a
// reload, here allowed 15 s; a stale version is refused on either (the
// database judges writes).
func TestContentListsAcrossInstances(t *testing.T) {
	first := apitest.Empty(t, nil)
	second := first.Sibling(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	names := func(s *apitest.Server, path string) []string {
		var list struct {
			Items []struct {
				Slug    string `json:"slug"`
				Key     string `json:"key"`
				Partner struct {
					Name map[string]string `json:"name"`
				} `json:"partner"`
			} `json:"items"`
			Total int `json:"total"`
		}
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: apitest.AdminToken}), 200).JSON(t, &list)
		var out []string
		for _, it := range list.Items {
			out = append(out, it.Slug+it.Key+":"+it.Partner.Name["sl"])
		}
		if len(out) != list.Total {
			t.Fatalf("%s: %d items, total %d", path, len(out), list.Total)
		}
		return out
	}
	byName := "/api/v1/partnerships?q=spomin&sort=name"
	var ids []string
	for _, n := range []string{"Žiri", "Celje", "Bled"} {
		p := apitest.MinimalPartnership("spomin-"+strings.ToLower(strings.NewReplacer("Ž", "z").Replace(n)), n)
		p["partner"].(map[string]any)["official_name"] = map[string]any{"sl": "Spomin " + n}
		ids = append(ids, apitest.Create(t, first, apitest.AdminToken, p)["id"].(string))
	}
	want := "spomin-bled:Bled,spomin-celje:Celje,spomin-ziri:Žiri"
	if got := strings.Join(names(first, byName), ","); got != want {
		t.Fatalf("the writer lists %s, want %s", got, want)
	}
	apitest.WaitFor(t, 15*time.Second, "the other instance to list the new partnerships", func() bool {
		return strings.Join(names(second, byName), ",") == want
	})

	// Renamed on the second: its list at once, the first's within its poll.
	apitest.Expect(t, second.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + ids[2], Token: apitest.AdminToken,
		Body: `{"partner":{"name":{"sl":"Ajdovščina"}}}`, Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 200)
	want = "spomin-bled:Ajdovščina,spomin-celje:Celje,spomin-ziri:Žiri"
	if got := strings.Join(names(second, byName), ","); got != want {
		t.Fatalf("the writer lists %s, want %s", got, want)
	}
	apitest.WaitFor(t, 15*time.Second, "the other instance to list the rename", func() bool {
		return strings.Join(names(first, byName), ",") == want
	})
	apitest.Expect(t, first.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + ids[2], Token: apitest.AdminToken,
		Body: `{"sort":3}`, Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 412)

	// Deleted on the first; a block made on the second.
	apitest.Expect(t, first.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + ids[0], Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 204)
	apitest.Expect(t, second.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: apitest.AdminToken,
		Body: map[string]any{"key": "spomin-blok", "body": map[string]any{"sl": "<p>Spomin</p>"}}}), 201)
	want = "spomin-bled:Ajdovščina,spomin-celje:Celje"
	if got := strings.Join(names(first, byName), ","); got != want {
		t.Fatalf("the writer lists %s, want %s", got, want)
	}
	if got := strings.Join(names(second, "/api/v1/blocks?q=spomin"), ","); got != "spomin-blok:" {
		t.Fatalf("the writer lists blocks %s", got)
	}
	apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool {
		return strings.Join(names(second, byName), ",") == want && strings.Join(names(first, "/api/v1/blocks?q=spomin"), ",") == "spomin-blok:"
	})
}
