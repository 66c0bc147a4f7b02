package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A stored document is exactly the bytes of a complete, well-formed
// request. Bodies that stop early (fewer bytes than Content-Length, a
// chunked body cut off, no closing boundary, cut mid-file) and a second
// file part are 400, and leave nothing: no record, no object, no
// multipart upload or parts, no claim.
func TestCutAndMalformedUploadBodiesStoreNothing(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	for _, size := range []int{2 << 20, 20 << 20} { // one part and a multipart upload
		data := pdfBytes(fmt.Sprintf("cut-%d", size), size)
		ct, full := uploadBody(t, docMeta("scan", "Prekinjen"), "prekinjen.pdf", "", data)
		boundary := ct[strings.Index(ct, "boundary=")+len("boundary="):]
		fileStart := bytes.Index(full, data[:32])
		closing := bytes.LastIndex(full, []byte("\r\n--"+boundary+"--"))
		secondPart := "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\n\r\n%PDF-1.4 b"
		cases := []struct {
			name   string
			length int // Content-Length; < 0 chunked
			body   []byte
		}{
			{"Content-Length twice what is sent", 2 * len(full), full},
			{"half of Content-Length sent", len(full), full[:len(full)/2]},
			{"no closing boundary", closing, full[:closing]},
			{"closing boundary without its dashes", closing + len(boundary) + 4, full[:closing+len(boundary)+4]},
			{"cut mid-file, length honest", fileStart + size/2, full[:fileStart+size/2]},
			{"two file parts", len(full) + len(secondPart), append(append(append([]byte{}, full[:closing]...), secondPart...), full[closing:]...)},
			{"chunked, cut off", -1, chunked(full[:len(full)/2], false)},
			{"chunked, no closing boundary", -1, chunked(full[:closing], true)},
		}
		before := s.storeState(t)
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%d MiB/%s", size>>20, tc.name), func(t *testing.T) {
				r := rawExchange(t, s.base, uploadHead(ct, tc.length), tc.body)
				p := expectProblem(t, r, 400, "malformed-request")
				if d, _ := p["detail"].(string); strings.Contains(d, "EOF") || strings.Contains(d, "multipart") {
					t.Errorf("internal text in the problem: %q", d)
				}
				s.expectStoreUnchanged(t, before)
			})
		}
		// The same bytes, complete, are stored: the cases above failed for
		// their cut, not for their content.
		r := rawExchange(t, s.base, uploadHead(ct, len(full)), full)
		if d := expect(t, r, 201).Map(t); d["file"].(map[string]any)["sha256"] != sha(data) {
			t.Fatalf("stored %v, want sha256 %s", d["file"], sha(data))
		}
	}
}

// Identical uploads released together, on one instance or spread over two
// sharing a database: exactly one 201, every other a 409 naming it, one
// record, one object.
func TestConcurrentIdenticalUploadsStoreOneDocument(t *testing.T) {
	first, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer first.close()
	second := first.sibling(t)
	defer second.close()
	for _, tc := range []struct {
		name      string
		instances []*testServer
	}{{"one instance", []*testServer{first}}, {"two instances", []*testServer{first, second}}} {
		t.Run(tc.name, func(t *testing.T) {
			before := first.storeState(t)
			data := pdfBytes("same bytes "+tc.name, 3<<20)
			const n = 8
			start := make(chan struct{})
			results := make([]resp, n)
			var wg sync.WaitGroup
			for i := range n {
				s := tc.instances[i%len(tc.instances)]
				ct, body := uploadBody(t, docMeta("scan", fmt.Sprint("Kopija ", i)), fmt.Sprintf("kopija-%d.pdf", i), "", data)
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i] = s.do(t, req{Method: "POST", Path: "/api/v1/documents", Token: testAdminToken, Body: body,
						Headers: map[string]string{"Content-Type": ct}})
				}()
			}
			close(start)
			wg.Wait()
			var created string
			for _, r := range results {
				if r.Status == 201 {
					if created != "" {
						t.Fatalf("two uploads of the same bytes were stored: %s and %s", created, r.Map(t)["id"])
					}
					created = r.Map(t)["id"].(string)
				}
			}
			if created == "" {
				t.Fatalf("no upload was stored: %v", results)
			}
			for _, r := range results {
				if r.Status != 201 {
					if p := expectProblem(t, r, 409, "conflict"); p["duplicate_of"] != created {
						t.Fatalf("duplicate_of %v, want %s", p["duplicate_of"], created)
					}
				}
			}
			want := before
			want.Records = sortedWith(before.Records, created)
			want.Claims = sortedWith(before.Claims, created)
			want.Objects = sortedWith(before.Objects, "originals/"+created)
			first.expectStoreUnchanged(t, want)
		})
	}
}

// sortedWith is a sorted copy of list with one more element.
func sortedWith(list []string, more string) []string {
	out := append(slices.Clone(list), more)
	slices.Sort(out)
	return out
}

// chunked encodes b as one HTTP chunk, with the last chunk when final.
func chunked(b []byte, final bool) []byte {
	out := fmt.Appendf(nil, "%x\r\n%s\r\n", len(b), b)
	if final {
		out = append(out, "0\r\n\r\n"...)
	}
	return out
}

// The sweeper repairs each state a crash between two writes can leave:
// a record without its ingest event, a purge cut off after its event, a
// claim whose document never came to be (fresh: uploads of those bytes are
// duplicates of the one being ingested; stale or swept: released).
func TestSweepRepairsInterruptedIngestsAndPurges(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ctx := context.Background()
	db := rawDB(t, s)
	upload := func(title string, data []byte) resp {
		return s.upload(t, testAdminToken, docMeta("scan", title), "sken.pdf", "", data)
	}

	// Crash between record and event.
	a := expect(t, upload("A", pdfBytes("record without event", 50<<10)), 201).Map(t)["id"].(string)
	if _, err := db.Collection("document_events").DeleteMany(ctx, bson.D{{Key: "document_id", Value: a}}); err != nil {
		t.Fatal(err)
	}
	// Crash after the purge's event, before the record went.
	bData := pdfBytes("purge cut off", 50<<10)
	b := expect(t, upload("B", bData), 201).Map(t)["id"].(string)
	if err := s.srv.documents.AppendEvent(ctx, models.Event{ID: models.EventID(b, models.EventPurged), DocumentID: b,
		Type: models.EventPurged, At: time.Now().UTC(), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	// Crashes between claim and record: one fresh, one stale.
	fresh, stale := pdfBytes("fresh claim", 50<<10), pdfBytes("stale claim", 50<<10)
	const ghostFresh, ghostStale = "0123456789abcdef0123456a", "0123456789abcdef0123456b"
	if _, _, err := s.srv.documents.Claim(ctx, sha(fresh), ghostFresh, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.srv.documents.Claim(ctx, sha(stale), ghostStale, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p := expectProblem(t, upload("fresh", fresh), 409, "conflict"); p["duplicate_of"] != ghostFresh {
		t.Fatalf("duplicate_of %v, want the claim's %s", p["duplicate_of"], ghostFresh)
	}
	expect(t, upload("stale", stale), 201) // the next upload takes a stale claim over

	res, err := s.srv.ingest.Sweep(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.RepairedEvents != 1 || res.FinishedPurges != 1 || res.StaleClaims != 1 || res.OrphanObjects != 1 {
		t.Fatalf("sweep: %+v, want one repaired event, one finished purge, one stale claim, one orphan", res)
	}
	events, err := s.srv.documents.Events(ctx, a)
	if err != nil || len(events) != 1 || events[0].Type != models.EventIngested || !strings.Contains(events[0].Detail, "sha256 ") {
		t.Fatalf("events of %s after the repair: %+v %v", a, events, err)
	}
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/documents/" + b, Token: testAdminToken}), 404, "not-found")
	expect(t, upload("fresh again", fresh), 201) // its claim was swept
	expect(t, upload("B again", bData), 201)     // a purge releases the bytes
	s.expectConsistentStore(t)
	if again, _ := s.srv.ingest.Sweep(ctx, 0); again != (ingest.SweepResult{}) {
		t.Fatalf("a second sweep still found work: %+v", again)
	}
}

// rawDB is the server's database as a driver sees it, to cut writes short
// the way a crash would.
func rawDB(t *testing.T, s *testServer) *mongo.Database {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(s.srv.embDB.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(s.cfg.MongoDatabase)
}

// With the database gone after the bytes are stored, the upload is 503
// at once and its object is removed in the background, without the
// database (nothing was written there that could have landed).
func TestUploadWithTheDatabaseDownLeavesNoObject(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.srv.embDB.Close(); err != nil {
		t.Fatal(err)
	}
	s.srv.embDB = nil // stopped here, not again at shutdown
	start := time.Now()
	expectProblem(t, s.upload(t, testAdminToken, docMeta("scan", "Brez baze"), "brez.pdf", "", pdfBytes("no database", 200<<10)), 503, "unavailable")
	took := time.Since(start)
	t.Logf("503 after %v", took.Round(10*time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("503 after %v: clean-up ran in the request", took)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(s.objectKeys(t)) > 0 || s.srv.ingest.PendingCleanups() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("objects %v and %d clean-ups still pending", s.objectKeys(t), s.srv.ingest.PendingCleanups())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
