package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jesenice/twincms/demo"
	"github.com/jesenice/twincms/models"
)

func archiveDocs(t *testing.T, s *testServer, token, query string) []string {
	t.Helper()
	var l struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?" + query, Token: token}), 200).JSON(t, &l)
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestArchiveSearchHistoryAndOriginals(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ed, ar := s.newToken(t, "editor"), s.newToken(t, "archivist")
	p := create(t, s, ed, minimalPartnership("arhiv", "Arhiv"))
	up := func(kind, title, date string, data []byte, partnership bool) map[string]any {
		meta := map[string]any{"kind": kind, "title": map[string]string{"sl": title},
			"provenance": map[string]string{"archival_ref": "SI-ZAL-JES/" + title, "original_date": date}}
		if partnership {
			meta["partnership_ids"] = []string{p["id"].(string)}
		}
		return expect(t, s.upload(t, ed, meta, title+".pdf", "", data), 201).Map(t)
	}
	charter := demo.PlaceholderPDF("charter")
	a := up("charter", "Listina", "1975-06-01", charter, true)
	b := up("scan", "Sken", "1994", demo.PlaceholderPDF("scan"), true)
	c := up("publication", "Zbornik", "2019", demo.PlaceholderPDF("pub"), false)
	ida, idb, idc := a["id"].(string), b["id"].(string), c["id"].(string)
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + idc, Token: ed, Headers: ifMatch(1)}), 200)

	cases := []struct {
		query string
		want  []string
	}{
		{"partnership=" + p["id"].(string), []string{idb, ida}},
		{"kind=charter", []string{ida}},
		{"year_to=1980", []string{ida}},
		{"sha256=" + sha(charter), []string{ida}},
		{"q=zal-jes/sken", []string{idb}},
		{"q=zbornik.pdf", []string{idc}},
		{"status=withdrawn", []string{idc}},
		{"status=active&kind=publication", nil},
	}
	// A scan without a date of its own is found by its agreement's year.
	undated := expect(t, s.upload(t, ed, map[string]any{"kind": "agreement", "title": map[string]string{"sl": "Pogodba brez datuma"}},
		"pogodba.pdf", "", demo.PlaceholderPDF("undated")), 201).Map(t)
	withAgreement := minimalPartnership("dogovor", "Dogovor")
	withAgreement["agreements"] = []any{map[string]any{"kind": "cooperation_agreement", "title": map[string]string{"sl": "Pogodba"},
		"year": 1990, "document_id": undated["id"]}}
	create(t, s, ed, withAgreement)
	cases = append(cases, struct {
		query string
		want  []string
	}{"year_from=1989&year_to=1991", []string{undated["id"].(string)}}, struct {
		query string
		want  []string
	}{"year_from=1990&year_to=2000", []string{undated["id"].(string), idb}})
	for _, tc := range cases {
		if got := archiveDocs(t, s, ar, tc.query); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents", Token: ed}), 403, "forbidden")
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?year_from=abc", Token: ar}), 400, "malformed-request")

	// History of an uploaded, edited, withdrawn and restored document.
	expect(t, s.do(t, req{Method: "PATCH", Path: "/api/v1/documents/" + ida, Token: ed, Headers: ifMatch(1),
		Body: map[string]any{"provenance": map[string]string{"custodian": "Zgodovinski arhiv Ljubljana"}}}), 200)
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + ida, Token: ed, Headers: ifMatch(2)}), 200)
	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/documents/" + ida + "/restore", Token: ed, Headers: ifMatch(3)}), 200)
	var doc struct {
		Document map[string]any `json:"document"`
		Events   []struct {
			Type   string `json:"type"`
			Actor  string `json:"actor"`
			Detail string `json:"detail"`
		} `json:"events"`
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + ida, Token: ar}), 200).JSON(t, &doc)
	var types []string
	for _, e := range doc.Events {
		types = append(types, e.Type)
		if strings.Contains(e.Actor, "tcms_") || !strings.HasPrefix(e.Actor, "token:") {
			t.Errorf("actor %q", e.Actor)
		}
	}
	if strings.Join(types, ",") != "ingested,metadata_changed,withdrawn,restored" || !strings.Contains(doc.Events[1].Detail, "provenance") {
		t.Fatalf("history %v", doc.Events)
	}

	// The original, whole and in part, with a digest to verify it by.
	o := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar}), 200)
	sum := sha256.Sum256(o.Body)
	if !bytes.Equal(o.Body, charter) || o.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
		o.Header.Get("X-Checksum-Sha256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("original: %d bytes, Repr-Digest %q", len(o.Body), o.Header.Get("Repr-Digest"))
	}
	part := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=0-7"}}), 206)
	if string(part.Body) != string(charter[:8]) || part.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-7/%d", len(charter)) {
		t.Fatalf("range: %q %q", part.Body, part.Header.Get("Content-Range"))
	}
	tail := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=-6"}}), 206)
	if string(tail.Body) != string(charter[len(charter)-6:]) {
		t.Fatalf("suffix range: %q", tail.Body)
	}
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=99999-"}}), 416, "range-not-satisfiable")
}

func TestFixityDetectsChangedAndMissingOriginals(t *testing.T) {
	dir := t.TempDir()
	s, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ed, ar := s.newToken(t, "editor"), s.newToken(t, "archivist")
	d := expect(t, s.upload(t, ed, docMeta("scan", "Fiksnost"), "fiksnost.pdf", "", demo.PlaceholderPDF("fixity")), 201).Map(t)
	id := d["id"].(string)
	check := func() string {
		return expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/archive/documents/" + id + "/fixity", Token: ar}), 200).Map(t)["type"].(string)
	}
	if got := check(); got != "fixity_ok" {
		t.Fatalf("fresh document: %s", got)
	}
	// Change one byte of the stored object in the embedded store's files.
	file := filepath.Join(dir, "objects", s.cfg.S3Bucket, "originals", id)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := check(); got != "fixity_failed" {
		t.Fatalf("after a changed byte: %s", got)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if got := check(); got != "fixity_failed" {
		t.Fatalf("after deletion: %s", got)
	}
	m := expect(t, s.do(t, req{Method: "GET", Path: "/metrics"}), 200)
	if !strings.Contains(string(m.Body), `twincms_fixity_checks_total{result="failed"} 2`) {
		t.Fatalf("failures not in metrics")
	}
	run := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: ar}), 200).Map(t)
	if run["failed"].(float64) != 1 || run["checked"].(float64) != 1 || run["failed_ids"].([]any)[0] != id {
		t.Fatalf("audit: %v", run)
	}
	state := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/fixity", Token: ar}), 200).Map(t)
	if state["current"] != nil || state["last"].(map[string]any)["id"] != run["id"] {
		t.Fatalf("state: %v", state)
	}
}

// Two audits started at once on one database (two instances) run one at
// a time: one runs, the other is told an audit is running.
func TestAuditsOnOneDatabaseRunOneAtATime(t *testing.T) {
	ar := shared.newToken(t, "archivist") // before the other instance loads its tokens
	other, err := startTestServer(t.TempDir(), map[string]string{
		"TWINCMS_MONGODB_URI": shared.srv.embDB.URI(), "TWINCMS_S3_ENDPOINT": shared.srv.embS3.Addr(),
		"TWINCMS_S3_ACCESS_KEY": accessKey(t), "TWINCMS_S3_SECRET_KEY": secretKey(t), "TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.close()
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, s := range []*testServer{shared, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = s.do(t, req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: ar}).Status
			}()
		}
		wg.Wait()
		ran := 0
		for _, st := range statuses {
			switch st {
			case 200:
				ran++
			case 409:
			default:
				t.Fatalf("status %d", st)
			}
		}
		// Either one ran while the other was refused, or (if the first
		// finished before the second asked) both ran one after the other.
		if ran == 0 {
			t.Fatalf("round %d: no audit ran: %v", round, statuses)
		}
		if ran == 1 {
			return
		}
	}
	t.Fatal("the two audits never overlapped; the lease was not exercised")
}

// An audit interrupted after its first document resumes after it: the
// next audit checks only the rest and finishes the same run.
func TestAuditResumesAfterInterruption(t *testing.T) {
	s, err := startTestServer(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ctx := context.Background()
	docs, err := s.srv.documents.All(ctx)
	if err != nil || len(docs) != 13 {
		t.Fatalf("%d demo documents (%v)", len(docs), err)
	}
	first := docs[0].ID
	for _, d := range docs {
		first = min(first, d.ID)
	}
	states := s.srv.fixity.States
	interrupted := models.FixityRun{ID: "interrupted", Checked: 1, OK: 1, LastID: first, FailedIDs: []string{}}
	if err := states.Save(ctx, models.FixityState{Current: &interrupted}); err != nil {
		t.Fatal(err)
	}
	run, err := s.srv.fixity.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != "interrupted" || run.Checked != 13 || run.OK != 13 || run.FinishedAt == nil {
		t.Fatalf("resumed run: %+v", run)
	}
	events, _ := s.srv.documents.Events(ctx, first)
	for _, e := range events {
		if e.Type == models.EventFixityOK {
			t.Fatal("the document checked before the interruption was checked again")
		}
	}
}
