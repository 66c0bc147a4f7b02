package ingest_test

import (
	"bytes"
	"context"
	"golang.org/x/image/webp"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// Uploads through POST /documents, downloads, edits and purges, against
// the real embedded servers.

const utf8Name = "Listina o pobratenju – Šentjakob v Rožu.pdf"

func TestUploadStreamsHashesAndDownloadsUnderTheUTF8Name(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	pdf := demo.PlaceholderPDF("Test upload " + t.Name())
	r := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("charter", "Listina o pobratenju"), utf8Name, "application/pdf", pdf), 201)
	d := r.Map(t)
	file := d["file"].(map[string]any)
	if file["sha256"] != apitest.SHA(pdf) || int(file["size"].(float64)) != len(pdf) || file["content_type"] != "application/pdf" ||
		file["original_filename"] != utf8Name || d["status"] != "active" || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("document: %v", d)
	}
	id := d["id"].(string)

	dl := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 302)
	link := dl.Header.Get("Location")
	got := apitest.Expect(t, apitest.Fetch(t, link, nil), 200)
	if !bytes.Equal(got.Body, pdf) {
		t.Fatal("downloaded bytes differ from the upload")
	}
	cd := got.Header.Get("Content-Disposition")
	if !strings.Contains(cd, "filename*=UTF-8''Listina%20o%20pobratenju%20%E2%80%93%20%C5%A0entjakob%20v%20Ro%C5%BEu.pdf") ||
		!strings.Contains(cd, `filename="Listina o pobratenju - Sentjakob v Rozu.pdf"`) || got.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("Content-Disposition %q, Content-Type %q", cd, got.Header.Get("Content-Type"))
	}

	// Withdrawn: no more links; restored: links again.
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 410, "gone")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id + "/restore", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 302)

	events, err := shared.CMS.Documents.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range events {
		types = append(types, string(e.Type))
		if !strings.HasPrefix(e.Actor, "token:") {
			t.Errorf("event actor %q", e.Actor)
		}
	}
	if strings.Join(types, ",") != "ingested,format_identified,withdrawn,restored" {
		t.Fatalf("events %v", types)
	}
}

// Every refused upload leaves no object in the bucket and no record.
func TestRefusedUploadsLeaveNothingBehind(t *testing.T) {
	small, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_MAX_UPLOAD_BYTES": "20MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	ed := small.NewToken(t, "editor")
	bigPDF := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 21<<20)...)
	cases := []struct {
		name     string
		meta     any
		filename string
		declared string
		data     []byte
		status   int
		typ      string
	}{
		{"HTML posing as PDF", apitest.DocMeta("charter", "Lažna"), "listina.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), 415, "unsupported-media-type"},
		{"PNG declared as PDF", apitest.DocMeta("charter", "Lažna"), "listina.pdf", "application/pdf", demo.ShieldPNG(color.NRGBA{A: 255}, color.NRGBA{A: 255}), 415, "unsupported-media-type"},
		{"plain text", apitest.DocMeta("scan", "Besedilo"), "notes.txt", "", []byte("just text"), 415, "unsupported-media-type"},
		{"PDF as a crest", apitest.DocMeta("crest", "Grb"), "grb.pdf", "", demo.PlaceholderPDF("grb"), 415, "unsupported-media-type"},
		{"over the upload limit", apitest.DocMeta("scan", "Velik"), "scan.pdf", "", bigPDF, 413, "too-large"},
		{"path trick in the name", apitest.DocMeta("scan", "Pot"), "../../etc/passwd.pdf", "", demo.PlaceholderPDF("p"), 422, "validation-failed"},
		{"windows path in the name", apitest.DocMeta("scan", "Pot"), `C:\temp\x.pdf`, "", demo.PlaceholderPDF("q"), 422, "validation-failed"},
		{"bad metadata", map[string]any{"kind": "poster", "title": map[string]string{"sl": "x"}}, "x.pdf", "", demo.PlaceholderPDF("r"), 422, "validation-failed"},
		{"server-owned field in metadata", map[string]any{"kind": "scan", "title": map[string]string{"sl": "x"}, "file": map[string]any{"sha256": "00"}}, "x.pdf", "", demo.PlaceholderPDF("s"), 400, "malformed-request"},
		{"unknown partnership", map[string]any{"kind": "scan", "title": map[string]string{"sl": "x"}, "partnership_ids": []string{"0123456789abcdef01234567"}}, "x.pdf", "", demo.PlaceholderPDF("t"), 422, "validation-failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			apitest.ExpectProblem(t, small.Upload(t, ed, tc.meta, tc.filename, tc.declared, tc.data), tc.status, tc.typ)
			if n := len(small.ObjectKeys(t)); n != 0 {
				t.Fatalf("%d objects left in the bucket: %v", n, small.ObjectKeys(t))
			}
			if n := small.DocumentCount(t); n != 0 {
				t.Fatalf("%d records left", n)
			}
		})
	}
	apitest.ExpectProblem(t, small.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents", Token: ed, Body: `{"kind":"scan"}`}), 415, "unsupported-media-type")
}

func TestDuplicateBytesAreReportedNotStored(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	pdf := demo.PlaceholderPDF("Duplicate " + t.Name())
	first := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("publication", "Zbornik"), "zbornik.pdf", "", pdf), 201).Map(t)
	before := len(shared.ObjectKeys(t))
	p := apitest.ExpectProblem(t, shared.Upload(t, ed, apitest.DocMeta("publication", "Zbornik (kopija)"), "kopija.pdf", "", pdf), 409, "conflict")
	if p["duplicate_of"] != first["id"] {
		t.Fatalf("duplicate_of %v, want %v", p["duplicate_of"], first["id"])
	}
	if after := len(shared.ObjectKeys(t)); after != before {
		t.Fatalf("objects %d → %d: the duplicate was stored", before, after)
	}
}

func TestCrestGetsRenditionsAndTheOriginalStays(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	shield := demo.ShieldPNG(color.NRGBA{R: 200, A: 255}, color.NRGBA{B: 200, A: 255})
	d := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("crest", "Grb "+t.Name()), "grb.png", "image/png", shield), 201).Map(t)
	rs := d["renditions"].([]any)
	// The PNGs first, then their lossless WebP twins (where smaller).
	if len(rs) < 3 {
		t.Fatalf("renditions: %v", rs)
	}
	for _, x := range rs[2:] {
		r := x.(map[string]any)
		png := rs[0].(map[string]any)
		if r["name"] == "256.webp" {
			png = rs[1].(map[string]any)
		}
		rc, _, err := shared.CMS.Objects.Get(context.Background(), r["key"].(string))
		if err != nil {
			t.Fatal(err)
		}
		img, err := webp.Decode(rc)
		rc.Close()
		if err != nil || r["content_type"] != "image/webp" || r["name"] != png["name"].(string)+".webp" ||
			img.Bounds().Dx() != int(png["width"].(float64)) || r["size"].(float64) >= png["size"].(float64) {
			t.Fatalf("WebP rendition %v (%v), its PNG %v", r, err, png)
		}
	}
	for i, want := range []int{64, 256} {
		r := rs[i].(map[string]any)
		rc, _, err := shared.CMS.Objects.Get(context.Background(), r["key"].(string))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b := img.Bounds()
		if max(b.Dx(), b.Dy()) != want || b.Dx() != int(r["width"].(float64)) {
			t.Fatalf("rendition %d is %dx%d (record says %v)", want, b.Dx(), b.Dy(), r)
		}
	}
	rc, _, err := shared.CMS.Objects.Get(context.Background(), d["file"].(map[string]any)["key"].(string))
	if err != nil {
		t.Fatal(err)
	}
	var orig bytes.Buffer
	orig.ReadFrom(rc)
	rc.Close()
	if !bytes.Equal(orig.Bytes(), shield) {
		t.Fatal("the original crest was altered")
	}

	// Partnerships may name it as crest; a PDF or a missing id is refused.
	pdf := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("charter", "Listina "+t.Name()), "l.pdf", "", demo.PlaceholderPDF(t.Name())), 201).Map(t)
	body := apitest.MinimalPartnership("crest-town", "Grbovo")
	body["crest_id"] = pdf["id"]
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 422, "validation-failed")
	body["crest_id"] = "0123456789abcdef01234567"
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 422, "validation-failed")
	body["crest_id"] = d["id"]
	body["documents"] = []any{map[string]any{"document_id": pdf["id"], "role": "agreement"}}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 201)
}

func TestDocumentMetadataEditsAndPurge(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	d := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("scan", "Sken"), "sken.tif", "", append([]byte("II*\x00"), bytes.Repeat([]byte{1}, 100)...)), 201).Map(t)
	id := d["id"].(string)
	path := "/api/v1/documents/" + id
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Body: map[string]any{"title": map[string]string{"en": "Scan"}}}), 428, "precondition-required")
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1), Body: map[string]any{"file": map[string]any{"sha256": "0"}}}), 400, "malformed-request")
	p := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"title": map[string]string{"en": "Scan"}, "provenance": map[string]string{"custodian": "Gornjesavski muzej"}}}), 200).Map(t)
	if p["title"].(map[string]any)["sl"] != "Sken" || p["title"].(map[string]any)["en"] != "Scan" ||
		p["provenance"].(map[string]any)["custodian"] != "Gornjesavski muzej" || p["provenance"].(map[string]any)["source"] != "Občina Jesenice" {
		t.Fatalf("patched: %v", p)
	}
	if p["file"].(map[string]any)["content_type"] != "image/tiff" {
		t.Fatalf("file facts changed: %v", p["file"])
	}
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/purge", Token: ed}), 403, "forbidden")
	keys := shared.ObjectKeys(t)
	if !keys["originals/"+id] {
		t.Fatal("original missing before purge")
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/purge", Token: apitest.AdminToken}), 204)
	if shared.ObjectKeys(t)["originals/"+id] {
		t.Fatal("purge left the original")
	}
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 404, "not-found")
	events, _ := shared.CMS.Documents.Events(context.Background(), id)
	if len(events) != 4 || events[1].Type != "format_identified" || events[2].Type != "metadata_changed" || events[3].Type != "purged" {
		t.Fatalf("events %+v", events)
	}
}
