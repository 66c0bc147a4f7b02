package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// A checksum is unique among ACTIVE documents: a withdrawn document's
// bytes may be uploaded again; restoring it then is 409 naming the new
// one; once that one is withdrawn too, the restore goes through.
func TestChecksumUniqueAmongActiveDocuments(t *testing.T) {
	s := shared
	data := pdfBytes("unique among active", 4096)
	first := expect(t, s.upload(t, testAdminToken, docMeta("scan", "Prvi"), "prvi.pdf", "", data), 201).Map(t)
	id1 := first["id"].(string)
	p := expectProblem(t, s.upload(t, testAdminToken, docMeta("scan", "Drugi"), "drugi.pdf", "", data), 409, "conflict")
	if p["duplicate_of"] != id1 {
		t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], id1)
	}
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + id1, Token: testAdminToken, Headers: ifMatch(1)}), 200)
	second := expect(t, s.upload(t, testAdminToken, docMeta("scan", "Drugi"), "drugi.pdf", "", data), 201).Map(t)
	id2 := second["id"].(string)
	p = expectProblem(t, s.do(t, req{Method: "POST", Path: "/api/v1/documents/" + id1 + "/restore", Token: testAdminToken, Headers: ifMatch(2)}), 409, "conflict")
	if p["duplicate_of"] != id2 {
		t.Fatalf("restore: duplicate_of %v, want %s", p["duplicate_of"], id2)
	}
	// The refused restore changed nothing.
	if d := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id1, Token: testAdminToken}), 200).Map(t); d["status"] != "withdrawn" || d["version"] != 2.0 {
		t.Fatalf("after the refused restore: %v %v", d["status"], d["version"])
	}
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + id2, Token: testAdminToken, Headers: ifMatch(1)}), 200)
	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/documents/" + id1 + "/restore", Token: testAdminToken, Headers: ifMatch(2)}), 200)
	// The sha256 search finds both records, one active.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?sha256=" + sha(data), Token: testAdminToken}), 200).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("sha256 search: %d items, want 2", len(list.Items))
	}
	p = expectProblem(t, s.upload(t, testAdminToken, docMeta("scan", "Tretji"), "tretji.pdf", "", data), 409, "conflict")
	if p["duplicate_of"] != id1 {
		t.Fatalf("duplicate_of %v, want the restored %s", p["duplicate_of"], id1)
	}
}

// After a withdrawal, N identical uploads and the withdrawn document's
// restore race, on one instance or on two sharing a database: exactly one
// of them gets the bytes; every refused upload and a refused restore name
// the winner.
func TestWithdrawnBytesRaceHasOneWinner(t *testing.T) {
	first, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.close()
	second := first.siblingWith(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	defer second.close()
	for _, tc := range []struct {
		name      string
		instances []*testServer
	}{{"one instance", []*testServer{first}}, {"two instances", []*testServer{first, second}}} {
		t.Run(tc.name, func(t *testing.T) {
			data := pdfBytes("race "+tc.name, 64<<10)
			old := expect(t, first.upload(t, testAdminToken, docMeta("scan", "Staro"), "staro.pdf", "", data), 201).Map(t)["id"].(string)
			expect(t, first.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + old, Token: testAdminToken, Headers: ifMatch(1)}), 200)
			const n = 6
			start := make(chan struct{})
			uploads := make([]resp, n)
			var restore resp
			var wg sync.WaitGroup
			for i := range n {
				s := tc.instances[i%len(tc.instances)]
				ct, body := uploadBody(t, docMeta("scan", fmt.Sprint("Novo ", i)), fmt.Sprintf("novo-%d.pdf", i), "", data)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					uploads[i] = s.do(t, req{Method: "POST", Path: "/api/v1/documents", Token: testAdminToken, Body: body, Headers: map[string]string{"Content-Type": ct}})
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s := tc.instances[len(tc.instances)-1]
				restore = s.do(t, req{Method: "POST", Path: "/api/v1/documents/" + old + "/restore", Token: testAdminToken, Headers: ifMatch(2)})
			}()
			close(start)
			wg.Wait()
			winner := ""
			if restore.Status == 200 {
				winner = old
			}
			for _, r := range uploads {
				if r.Status == 201 {
					if winner != "" {
						t.Fatalf("two active documents hold the same bytes: %s and %s", winner, r.Map(t)["id"])
					}
					winner = r.Map(t)["id"].(string)
				}
			}
			if winner == "" {
				t.Fatalf("nobody got the bytes: restore %d %s, uploads %v", restore.Status, restore.Body, uploads)
			}
			refused := uploads
			if winner != old {
				refused = append(refused, restore)
			}
			for _, r := range refused {
				if r.Status == 201 || r.Status == 200 {
					continue
				}
				if p := expectProblem(t, r, 409, "conflict"); p["duplicate_of"] != winner {
					t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], winner)
				}
			}
			// Exactly one active record with these bytes, as both
			// instances see it once their indexes caught up.
			for _, s := range tc.instances {
				waitFor(t, 15*time.Second, "the other instance to catch up", func() bool {
					var list struct {
						Items []map[string]any `json:"items"`
					}
					expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?status=active&sha256=" + sha(data), Token: testAdminToken}), 200).JSON(t, &list)
					return len(list.Items) == 1 && list.Items[0]["id"] == winner
				})
			}
		})
	}
}

// Two instances with memory indexes on one database: each reads its own
// writes at once; the other sees them within its poll (2 s) and a reload,
// here allowed 15 s; a get by id of a document created elsewhere finds it
// at once.
func TestDocumentIndexAcrossInstances(t *testing.T) {
	first, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.close()
	second := first.siblingWith(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	defer second.close()
	ids := func(s *testServer, query string) map[string]any {
		var list struct {
			Items []map[string]any `json:"items"`
		}
		expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?" + query, Token: testAdminToken}), 200).JSON(t, &list)
		out := map[string]any{}
		for _, it := range list.Items {
			out[it["id"].(string)] = it["title"].(map[string]any)["sl"]
		}
		return out
	}
	data := pdfBytes("across instances", 8192)
	id := expect(t, first.upload(t, testAdminToken, docMeta("charter", "Listina Kranjska"), "listina.pdf", "", data), 201).Map(t)["id"].(string)
	// Read-your-writes on the writer; a get by id on the other at once.
	if got := ids(first, "q=kranjska"); got[id] != "Listina Kranjska" {
		t.Fatalf("the writer does not list its upload: %v", got)
	}
	expect(t, second.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id, Token: testAdminToken}), 200)
	waitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return ids(second, "q=kranjska")[id] == "Listina Kranjska" })

	// A change on the second: the second at once, the first within its poll.
	expect(t, second.do(t, req{Method: "PATCH", Path: "/api/v1/documents/" + id, Token: testAdminToken, Body: `{"title":{"sl":"Listina Gorenjska"}}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 200)
	if got := ids(second, "q=gorenjska"); got[id] != "Listina Gorenjska" {
		t.Fatalf("the writer does not list its change: %v", got)
	}
	waitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return ids(first, "q=gorenjska")[id] == "Listina Gorenjska" })
	// A stale version is refused on either instance: the database judges.
	expect(t, first.do(t, req{Method: "PATCH", Path: "/api/v1/documents/" + id, Token: testAdminToken, Body: `{"title":{"sl":"Zastarelo"}}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 412)

	// A purge on the first: gone from the second's lists and gets.
	expect(t, first.do(t, req{Method: "POST", Path: "/api/v1/documents/" + id + "/purge", Token: testAdminToken}), 204)
	if got := ids(first, "q=gorenjska"); got[id] != nil {
		t.Fatalf("the writer still lists its purged document: %v", got)
	}
	waitFor(t, 15*time.Second, "the other instance to catch up", func() bool {
		return ids(second, "q=gorenjska")[id] == nil &&
			second.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id, Token: testAdminToken}).Status == 404
	})
}

// The archive's partnership list and year search come from an in-memory
// partnership index: a partnership written on one instance shows at once
// on that instance and on another sharing the database (each request
// checks the shared counter), renamed, re-dated and deleted alike.
func TestPartnershipIndexAcrossInstances(t *testing.T) {
	first, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.close()
	second := first.siblingWith(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	defer second.close()
	names := func(s *testServer) map[string]string {
		var list struct {
			Items []map[string]string `json:"items"`
		}
		expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/partnerships", Token: testAdminToken}), 200).JSON(t, &list)
		out := map[string]string{}
		for _, it := range list.Items {
			out[it["id"]] = it["name"]
		}
		return out
	}
	byYear := func(s *testServer, query string) []string { return s.as.ArchiveDocs(t, testAdminToken, query) }
	// Both load their index before the writes.
	names(first)
	names(second)
	doc := expect(t, first.upload(t, testAdminToken, map[string]any{"kind": "agreement", "title": map[string]string{"sl": "Pogodba"}},
		"pogodba.pdf", "", pdfBytes("partnership index", 2048)), 201).Map(t)["id"].(string)
	p := minimalPartnership("indeks", "Indeks")
	p["agreements"] = []any{map[string]any{"kind": "cooperation_agreement", "title": map[string]string{"sl": "Pogodba"}, "year": 1991, "document_id": doc}}
	id := expect(t, first.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: testAdminToken, Body: p}), 201).Map(t)["id"].(string)
	// The document itself reaches the second's document index within its
	// poll; the partnership at once.
	waitFor(t, 15*time.Second, "the other instance to catch up", func() bool { return len(second.as.ArchiveDocs(t, testAdminToken, "q=pogodba.pdf")) == 1 })
	for _, s := range []*testServer{first, second} {
		if got := names(s)[id]; got != "Indeks" {
			t.Fatalf("archive list names %q, want Indeks", got)
		}
		if got := byYear(s, "year_from=1991&year_to=1991"); strings.Join(got, ",") != doc {
			t.Fatalf("year search: %v, want %s", got, doc)
		}
	}
	// Renamed and re-dated on the second.
	expect(t, second.do(t, req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: testAdminToken,
		Body:    `{"partner":{"name":{"sl":"Preimenovan"}},"agreements":[{"kind":"cooperation_agreement","title":{"sl":"Pogodba"},"year":1993,"document_id":"` + doc + `"}]}`,
		Headers: map[string]string{"Content-Type": "application/merge-patch+json", "If-Match": `"1"`}}), 200)
	for _, s := range []*testServer{second, first} {
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
	expect(t, first.do(t, req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: testAdminToken, Headers: ifMatch(2)}), 204)
	for _, s := range []*testServer{first, second} {
		if _, ok := names(s)[id]; ok {
			t.Fatal("a deleted partnership is still listed")
		}
		if got := byYear(s, "year_from=1993&year_to=1993"); len(got) != 0 {
			t.Fatalf("year search after the delete: %v", got)
		}
	}
}
