package ingest_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// A checksum is unique among ACTIVE documents: a withdrawn document's
// bytes may be uploaded again; restoring it then is 409 naming the new
// one; once that one is withdrawn too, the restore goes through.
func TestChecksumUniqueAmongActiveDocuments(t *testing.T) {
	s := apitest.Shared(t)
	data := apitest.PDFBytes("unique among active", 4096)
	first := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Prvi"), "prvi.pdf", "", data), 201).Map(t)
	id1 := first["id"].(string)
	p := apitest.ExpectProblem(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Drugi"), "drugi.pdf", "", data), 409, "conflict")
	if p["duplicate_of"] != id1 {
		t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], id1)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id1, Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 200)
	second := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Drugi"), "drugi.pdf", "", data), 201).Map(t)
	id2 := second["id"].(string)
	p = apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id1 + "/restore", Token: apitest.AdminToken, Headers: apitest.IfMatch(2)}), 409, "conflict")
	if p["duplicate_of"] != id2 {
		t.Fatalf("restore: duplicate_of %v, want %s", p["duplicate_of"], id2)
	}
	// The refused restore changed nothing.
	if d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id1, Token: apitest.AdminToken}), 200).Map(t); d["status"] != "withdrawn" || d["version"] != 2.0 {
		t.Fatalf("after the refused restore: %v %v", d["status"], d["version"])
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id2, Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id1 + "/restore", Token: apitest.AdminToken, Headers: apitest.IfMatch(2)}), 200)
	// The sha256 search finds both records, one active.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?sha256=" + apitest.SHA(data), Token: apitest.AdminToken}), 200).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("sha256 search: %d items, want 2", len(list.Items))
	}
	p = apitest.ExpectProblem(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Tretji"), "tretji.pdf", "", data), 409, "conflict")
	if p["duplicate_of"] != id1 {
		t.Fatalf("duplicate_of %v, want the restored %s", p["duplicate_of"], id1)
	}
}

// After a withdrawal, N identical uploads and the withdrawn document's
// restore race, on one instance or on two sharing a database: exactly one
// of them gets the bytes; every refused upload and a refused restore name
// the winner.
func TestWithdrawnBytesRaceHasOneWinner(t *testing.T) {
	first := apitest.Empty(t, nil)
	second := first.Sibling(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	for _, tc := range []struct {
		name      string
		instances []*apitest.Server
	}{{"one instance", []*apitest.Server{first}}, {"two instances", []*apitest.Server{first, second}}} {
		t.Run(tc.name, func(t *testing.T) {
			data := apitest.PDFBytes("race "+tc.name, 64<<10)
			old := apitest.Expect(t, first.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Staro"), "staro.pdf", "", data), 201).Map(t)["id"].(string)
			apitest.Expect(t, first.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + old, Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 200)
			const n = 6
			start := make(chan struct{})
			uploads := make([]apitest.Resp, n)
			var restore apitest.Resp
			var wg sync.WaitGroup
			for i := range n {
				s := tc.instances[i%len(tc.instances)]
				ct, body := apitest.Multipart(apitest.DocMeta("scan", fmt.Sprint("Novo ", i)), fmt.Sprintf("novo-%d.pdf", i), "", data)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					uploads[i] = s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents", Token: apitest.AdminToken, Body: body, Headers: map[string]string{"Content-Type": ct}})
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				s := tc.instances[len(tc.instances)-1]
				restore = s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + old + "/restore", Token: apitest.AdminToken, Headers: apitest.IfMatch(2)})
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
				if p := apitest.ExpectProblem(t, r, 409, "conflict"); p["duplicate_of"] != winner {
					t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], winner)
				}
			}
			// Exactly one active record with these bytes, as both
			// instances see it once their indexes caught up.
			for _, s := range tc.instances {
				apitest.WaitFor(t, 15*time.Second, "the other instance to catch up", func() bool {
					var list struct {
						Items []map[string]any `json:"items"`
					}
					apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?status=active&sha256=" + apitest.SHA(data), Token: apitest.AdminToken}), 200).JSON(t, &list)
					return len(list.Items) == 1 && list.Items[0]["id"] == winner
				})
			}
		})
	}
}

// A failed ingest gives its checksum claim up; when the release cannot be
// made at once (the store down, or removals held by a running backup) it
// waits in the clean-up queue, and the same bytes uploaded again meanwhile
// are not refused as a duplicate of the document that never came to be.
// (Bulk ingest retries a file after a 503: it was refused by its own
// first try.)
func TestAFailedIngestsClaimDoesNotRefuseItsRetry(t *testing.T) {
	s := apitest.Empty(t, nil)
	release := s.CMS.Ingest.HoldRemovals() // as a backup does: the clean-up waits
	// A PNG that does not decode: refused as a crest after the claim.
	data := append([]byte("\x89PNG\r\n\x1a\n"), apitest.PDFBytes("not an image", 2048)...)
	apitest.ExpectProblem(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("crest", "Grb"), "grb.png", "", data), 422, "validation-failed")
	if n := s.CMS.Ingest.PendingCleanups(); n != 1 {
		t.Fatalf("%d clean-ups queued, want the failed crest's", n)
	}
	doc := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Sken"), "sken.png", "", data), 201).Map(t)
	release()
	// Its clean-up, once it runs, leaves the new document's claim and bytes.
	apitest.WaitFor(t, 30*time.Second, "the queued clean-up", func() bool { return s.CMS.Ingest.PendingCleanups() == 0 })
	apitest.ExpectProblem(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Spet"), "spet.png", "", data), 409, "conflict")
	got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + doc["id"].(string) + "/original", Token: apitest.AdminToken}), 200)
	if !bytes.Equal(got.Body, data) {
		t.Fatalf("the document's bytes changed: %d bytes", len(got.Body))
	}
}

// A change that names the current version goes through on an instance
// whose document index has not caught up with another instance's write
// yet: the version is checked against the database, not the index (a
// withdrawal on one instance, the restore at once on the other).
func TestAVersionIsCheckedAgainstTheDatabaseNotALaggingIndex(t *testing.T) {
	first := apitest.Empty(t, nil)
	second := first.Sibling(t, map[string]string{"TWINCMS_DOCUMENT_INDEX": "true"})
	for i := range 3 {
		id := apitest.Expect(t, first.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", fmt.Sprint("Zamik ", i)), "zamik.pdf", "", apitest.PDFBytes(fmt.Sprint("lag ", i), 4000)), 201).Map(t)["id"].(string)
		apitest.Expect(t, second.Do(t, apitest.Req{Path: "/api/v1/documents/" + id, Token: apitest.AdminToken}), 200) // in the second's index, version 1
		apitest.Expect(t, first.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 200)
		got := apitest.Expect(t, second.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id + "/restore", Token: apitest.AdminToken, Headers: apitest.IfMatch(2)}), 200).Map(t)
		if got["version"] != float64(3) || got["status"] != "active" {
			t.Fatalf("restored: version %v, status %v", got["version"], got["status"])
		}
	}
}
