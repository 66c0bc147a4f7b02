package formats_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

type doc struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	File   struct {
		ContentType string `json:"content_type"`
	} `json:"file"`
	Format *struct {
		PUID, Name, Version, Basis, Tool string
	} `json:"format"`
}

type list struct {
	Items []doc `json:"items"`
	Total int   `json:"total"`
}

func find(t *testing.T, s *apitest.Server, token, query string) list {
	t.Helper()
	var l list
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?per_page=100&" + query, Token: token}), 200).JSON(t, &l)
	return l
}

// The demo files through the real API: every PDF (version 1.4) is
// fmt/18 and every PNG a PRONOM PNG, by a signature match; the record
// names the tool and its signature file; the history has the
// format_identified event; the puid filter finds them alone (with and
// without q); a PUID that is no PRONOM id is refused; the bag export's
// metadata/documents.json carries the PUIDs.
func TestDemoFilesHaveTheirPRONOMFormats(t *testing.T) {
	s := apitest.Shared(t)
	ar, ed := s.NewToken(t, "archivist"), s.NewToken(t, "editor")
	all := find(t, s, ar, "")
	pdfs := 0
	for _, d := range all.Items {
		f := d.Format
		switch {
		case f == nil:
			t.Fatalf("%s has no format", d.ID)
		case d.File.ContentType == "application/pdf":
			pdfs++
			if f.PUID != "fmt/18" || f.Version != "1.4" || !strings.Contains(f.Basis, "byte match") {
				t.Errorf("PDF %s identified as %+v", d.ID, f)
			}
		case d.File.ContentType == "image/png":
			if !strings.HasPrefix(f.PUID, "fmt/1") || !strings.Contains(f.Name, "Portable Network Graphics") {
				t.Errorf("PNG %s identified as %+v", d.ID, f)
			}
		}
		if !strings.Contains(f.Tool, "siegfried 1.11.2; DROID_SignatureFile_V") {
			t.Errorf("tool %q", f.Tool)
		}
	}
	if pdfs == 0 {
		t.Fatal("no demo PDFs")
	}
	var rec struct {
		Events []struct{ Type, Detail, Actor string } `json:"events"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + all.Items[0].ID, Token: ar}), 200).JSON(t, &rec)
	found := false
	for _, e := range rec.Events {
		found = found || e.Type == "format_identified" && strings.Contains(e.Detail, all.Items[0].Format.PUID+" ") && strings.Contains(e.Detail, "DROID_SignatureFile")
	}
	if !found {
		t.Errorf("no format_identified event: %+v", rec.Events)
	}
	if got := find(t, s, ar, "puid=fmt/18"); got.Total != pdfs {
		t.Errorf("puid=fmt/18 found %d, want the %d PDFs", got.Total, pdfs)
	} else {
		for _, d := range got.Items {
			if d.Format.PUID != "fmt/18" {
				t.Errorf("puid=fmt/18 found %s (%s)", d.ID, d.Format.PUID)
			}
		}
	}
	withQ := find(t, s, ar, "puid=fmt/18&q="+url.QueryEscape("valjevo"))
	if withQ.Total == 0 || withQ.Total >= pdfs {
		t.Errorf("puid with q found %d", withQ.Total)
	}
	if got := find(t, s, ar, "puid=fmt/11&q=valjevo"); got.Total != 0 && got.Items[0].Format.PUID != "fmt/11" {
		t.Errorf("puid=fmt/11 with q found %+v", got.Items[0])
	}
	for _, bad := range []string{"fmt", "fmt/", "pdf", "fmt/18;drop", "x-fmt/abc", strings.Repeat("9", 30)} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?puid=" + url.QueryEscape(bad), Token: ar}), 400, "malformed-request")
	}
	// The bag of a partnership: its documents' records with their PUIDs.
	id := s.PartnershipID(t, ed, "nagold")
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar}), 200)
	var recs []doc
	if err := json.Unmarshal(zipEntry(t, r.Body, "nagold-bag/metadata/documents.json"), &recs); err != nil || len(recs) == 0 {
		t.Fatalf("documents.json: %v", err)
	}
	for _, d := range recs {
		if d.Format == nil || !strings.HasPrefix(d.Format.PUID, "fmt/") {
			t.Errorf("bag record %s has format %+v", d.ID, d.Format)
		}
	}
}

func zipEntry(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A document stored before identification existed (its record without
// format facts) is identified by the background job, once, with its
// event; an upload is identified at ingest, and its answer says so.
func TestExistingDocumentsAreIdentifiedInTheBackground(t *testing.T) {
	s := apitest.Empty(t, nil)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	up := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("charter", "Listina"), "listina.pdf", "",
		demo.PlaceholderPDF("Listina o pobratenju")), 201).Map(t)
	if f, _ := up["format"].(map[string]any); f == nil || f["puid"] != "fmt/18" {
		t.Fatalf("upload answered format %v", up["format"])
	}
	id := up["id"].(string)
	// As a record of an older release: no format facts.
	if err := s.CMS.Documents.SetFormat(context.Background(), id, nil); err != nil {
		t.Fatal(err)
	}
	if l := find(t, s, ar, "puid=fmt/18"); l.Total != 0 {
		t.Fatalf("a record without facts found by puid: %+v", l)
	}
	s.CMS.FormatRunner.Wake()
	apitest.WaitFor(t, 30*time.Second, "background identification", func() bool {
		return find(t, s, ar, "puid=fmt/18").Total == 1
	})
	var rec struct {
		Events []struct{ Type string } `json:"events"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + id, Token: ar}), 200).JSON(t, &rec)
	n := 0
	for _, e := range rec.Events {
		if e.Type == "format_identified" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d format_identified events, want 1: %+v", n, rec.Events)
	}
}
