package archive_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// The archive API: search, a document's history and its original.

func TestArchiveSearchHistoryAndOriginals(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("arhiv", "Arhiv"))
	up := func(kind, title, date string, data []byte, partnership bool) map[string]any {
		meta := map[string]any{"kind": kind, "title": map[string]string{"sl": title},
			"provenance": map[string]string{"archival_ref": "SI-ZAL-JES/" + title, "original_date": date}}
		if partnership {
			meta["partnership_ids"] = []string{p["id"].(string)}
		}
		return apitest.Expect(t, s.Upload(t, ed, meta, title+".pdf", "", data), 201).Map(t)
	}
	charter := demo.PlaceholderPDF("charter")
	a := up("charter", "Listina", "1975-06-01", charter, true)
	b := up("scan", "Sken", "1994", demo.PlaceholderPDF("scan"), true)
	c := up("publication", "Zbornik", "2019", demo.PlaceholderPDF("pub"), false)
	ida, idb, idc := a["id"].(string), b["id"].(string), c["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + idc, Token: ed, Headers: apitest.IfMatch(1)}), 200)

	cases := []struct {
		query string
		want  []string
	}{
		{"partnership=" + p["id"].(string), []string{idb, ida}},
		{"kind=charter", []string{ida}},
		{"year_to=1980", []string{ida}},
		{"sha256=" + apitest.SHA(charter), []string{ida}},
		{"q=zal-jes/sken", []string{idb}},
		{"q=zbornik.pdf", []string{idc}},
		{"status=withdrawn", []string{idc}},
		{"status=active&kind=publication", nil},
	}
	// A scan without a date of its own is found by its agreement's year.
	undated := apitest.Expect(t, s.Upload(t, ed, map[string]any{"kind": "agreement", "title": map[string]string{"sl": "Pogodba brez datuma"}},
		"pogodba.pdf", "", demo.PlaceholderPDF("undated")), 201).Map(t)
	withAgreement := apitest.MinimalPartnership("dogovor", "Dogovor")
	withAgreement["agreements"] = []any{map[string]any{"kind": "cooperation_agreement", "title": map[string]string{"sl": "Pogodba"},
		"year": 1990, "document_id": undated["id"]}}
	apitest.Create(t, s, ed, withAgreement)
	cases = append(cases, struct {
		query string
		want  []string
	}{"year_from=1989&year_to=1991", []string{undated["id"].(string)}}, struct {
		query string
		want  []string
	}{"year_from=1990&year_to=2000", []string{undated["id"].(string), idb}})
	for _, tc := range cases {
		if got := s.ArchiveDocs(t, ar, tc.query); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents", Token: ed}), 403, "forbidden")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?year_from=abc", Token: ar}), 400, "malformed-request")

	// History of an uploaded, edited, withdrawn and restored document.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + ida, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"provenance": map[string]string{"custodian": "Zgodovinski arhiv Ljubljana"}}}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + ida, Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + ida + "/restore", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	var doc struct {
		Document map[string]any `json:"document"`
		Events   []struct {
			Type   string `json:"type"`
			Actor  string `json:"actor"`
			Detail string `json:"detail"`
		} `json:"events"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + ida, Token: ar}), 200).JSON(t, &doc)
	var types []string
	for _, e := range doc.Events {
		types = append(types, e.Type)
		if strings.Contains(e.Actor, "tcms_") || !strings.HasPrefix(e.Actor, "token:") {
			t.Errorf("actor %q", e.Actor)
		}
	}
	if strings.Join(types, ",") != "ingested,format_identified,metadata_changed,withdrawn,restored" || !strings.Contains(doc.Events[1].Detail, "fmt/18") ||
		!strings.Contains(doc.Events[2].Detail, "provenance") {
		t.Fatalf("history %v", doc.Events)
	}

	// The original, whole and in part, with a digest to verify it by.
	o := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar}), 200)
	sum := sha256.Sum256(o.Body)
	if !bytes.Equal(o.Body, charter) || o.Header.Get("Repr-Digest") != "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":" ||
		o.Header.Get("X-Checksum-Sha256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("original: %d bytes, Repr-Digest %q", len(o.Body), o.Header.Get("Repr-Digest"))
	}
	part := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=0-7"}}), 206)
	if string(part.Body) != string(charter[:8]) || part.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-7/%d", len(charter)) {
		t.Fatalf("range: %q %q", part.Body, part.Header.Get("Content-Range"))
	}
	tail := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=-6"}}), 206)
	if string(tail.Body) != string(charter[len(charter)-6:]) {
		t.Fatalf("suffix range: %q", tail.Body)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + ida + "/original", Token: ar, Headers: map[string]string{"Range": "bytes=99999-"}}), 416, "range-not-satisfiable")
}
