package main

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/demo"
)

const utf8Name = "Listina o pobratenju – Šentjakob v Rožu.pdf"

func TestUploadStreamsHashesAndDownloadsUnderTheUTF8Name(t *testing.T) {
	ed := shared.newToken(t, "editor")
	pdf := demo.PlaceholderPDF("Test upload " + t.Name())
	r := expect(t, shared.upload(t, ed, docMeta("charter", "Listina o pobratenju"), utf8Name, "application/pdf", pdf), 201)
	d := r.Map(t)
	file := d["file"].(map[string]any)
	if file["sha256"] != sha(pdf) || int(file["size"].(float64)) != len(pdf) || file["content_type"] != "application/pdf" ||
		file["original_filename"] != utf8Name || d["status"] != "active" || r.Header.Get("ETag") != `"1"` {
		t.Fatalf("document: %v", d)
	}
	id := d["id"].(string)

	dl := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 302)
	link := dl.Header.Get("Location")
	got := expect(t, fetch(t, link, nil), 200)
	if !bytes.Equal(got.Body, pdf) {
		t.Fatal("downloaded bytes differ from the upload")
	}
	cd := got.Header.Get("Content-Disposition")
	if !strings.Contains(cd, "filename*=UTF-8''Listina%20o%20pobratenju%20%E2%80%93%20%C5%A0entjakob%20v%20Ro%C5%BEu.pdf") ||
		!strings.Contains(cd, `filename="Listina o pobratenju - Sentjakob v Rozu.pdf"`) || got.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("Content-Disposition %q, Content-Type %q", cd, got.Header.Get("Content-Type"))
	}

	// Withdrawn: no more links; restored: links again.
	expect(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: ifMatch(1)}), 200)
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 410, "gone")
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/documents/" + id + "/restore", Token: ed, Headers: ifMatch(2)}), 200)
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 302)

	events, err := shared.srv.documents.Events(context.Background(), id)
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
	if strings.Join(types, ",") != "ingested,withdrawn,restored" {
		t.Fatalf("events %v", types)
	}
}

// Every refused upload leaves no object in the bucket and no record.
func TestRefusedUploadsLeaveNothingBehind(t *testing.T) {
	small, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_MAX_UPLOAD_BYTES": "20MiB"})
	if err != nil {
		t.Fatal(err)
	}
	defer small.close()
	ed := small.newToken(t, "editor")
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
		{"HTML posing as PDF", docMeta("charter", "Lažna"), "listina.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), 415, "unsupported-media-type"},
		{"PNG declared as PDF", docMeta("charter", "Lažna"), "listina.pdf", "application/pdf", demo.ShieldPNG(color.NRGBA{A: 255}, color.NRGBA{A: 255}), 415, "unsupported-media-type"},
		{"plain text", docMeta("scan", "Besedilo"), "notes.txt", "", []byte("just text"), 415, "unsupported-media-type"},
		{"PDF as a crest", docMeta("crest", "Grb"), "grb.pdf", "", demo.PlaceholderPDF("grb"), 415, "unsupported-media-type"},
		{"over the upload limit", docMeta("scan", "Velik"), "scan.pdf", "", bigPDF, 413, "too-large"},
		{"path trick in the name", docMeta("scan", "Pot"), "../../etc/passwd.pdf", "", demo.PlaceholderPDF("p"), 422, "validation-failed"},
		{"windows path in the name", docMeta("scan", "Pot"), `C:\temp\x.pdf`, "", demo.PlaceholderPDF("q"), 422, "validation-failed"},
		{"bad metadata", map[string]any{"kind": "poster", "title": map[string]string{"sl": "x"}}, "x.pdf", "", demo.PlaceholderPDF("r"), 422, "validation-failed"},
		{"server-owned field in metadata", map[string]any{"kind": "scan", "title": map[string]string{"sl": "x"}, "file": map[string]any{"sha256": "00"}}, "x.pdf", "", demo.PlaceholderPDF("s"), 400, "malformed-request"},
		{"unknown partnership", map[string]any{"kind": "scan", "title": map[string]string{"sl": "x"}, "partnership_ids": []string{"0123456789abcdef01234567"}}, "x.pdf", "", demo.PlaceholderPDF("t"), 422, "validation-failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			expectProblem(t, small.upload(t, ed, tc.meta, tc.filename, tc.declared, tc.data), tc.status, tc.typ)
			if n := len(small.objectKeys(t)); n != 0 {
				t.Fatalf("%d objects left in the bucket: %v", n, small.objectKeys(t))
			}
			if n := small.documentCount(t); n != 0 {
				t.Fatalf("%d records left", n)
			}
		})
	}
	expectProblem(t, small.do(t, req{Method: "POST", Path: "/api/v1/documents", Token: ed, Body: `{"kind":"scan"}`}), 415, "unsupported-media-type")
}

func TestDuplicateBytesAreReportedNotStored(t *testing.T) {
	ed := shared.newToken(t, "editor")
	pdf := demo.PlaceholderPDF("Duplicate " + t.Name())
	first := expect(t, shared.upload(t, ed, docMeta("publication", "Zbornik"), "zbornik.pdf", "", pdf), 201).Map(t)
	before := len(shared.objectKeys(t))
	p := expectProblem(t, shared.upload(t, ed, docMeta("publication", "Zbornik (kopija)"), "kopija.pdf", "", pdf), 409, "conflict")
	if p["duplicate_of"] != first["id"] {
		t.Fatalf("duplicate_of %v, want %v", p["duplicate_of"], first["id"])
	}
	if after := len(shared.objectKeys(t)); after != before {
		t.Fatalf("objects %d → %d: the duplicate was stored", before, after)
	}
}

func TestCrestGetsRenditionsAndTheOriginalStays(t *testing.T) {
	ed := shared.newToken(t, "editor")
	shield := demo.ShieldPNG(color.NRGBA{R: 200, A: 255}, color.NRGBA{B: 200, A: 255})
	d := expect(t, shared.upload(t, ed, docMeta("crest", "Grb "+t.Name()), "grb.png", "image/png", shield), 201).Map(t)
	rs := d["renditions"].([]any)
	if len(rs) != 2 {
		t.Fatalf("renditions: %v", rs)
	}
	for i, want := range []int{64, 256} {
		r := rs[i].(map[string]any)
		rc, _, err := shared.srv.objs.Get(context.Background(), r["key"].(string))
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
	rc, _, err := shared.srv.objs.Get(context.Background(), d["file"].(map[string]any)["key"].(string))
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
	pdf := expect(t, shared.upload(t, ed, docMeta("charter", "Listina "+t.Name()), "l.pdf", "", demo.PlaceholderPDF(t.Name())), 201).Map(t)
	body := minimalPartnership("crest-town", "Grbovo")
	body["crest_id"] = pdf["id"]
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 422, "validation-failed")
	body["crest_id"] = "0123456789abcdef01234567"
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 422, "validation-failed")
	body["crest_id"] = d["id"]
	body["documents"] = []any{map[string]any{"document_id": pdf["id"], "role": "agreement"}}
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: body}), 201)
}

func TestDirectUploadIsVerifiedBeforeItBecomesADocument(t *testing.T) {
	ed := shared.newToken(t, "editor")
	data := demo.PlaceholderPDF("Direct " + t.Name())
	start := func(size int, sum string) map[string]any {
		return expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
			"filename": "Pregled sodelovanja.pdf", "size": size, "sha256": sum, "metadata": docMeta("overview", "Pregled")}}), 201).Map(t)
	}
	put := func(ticket map[string]any, body []byte) int { return putToTicket(t, ticket, body) }
	complete := func(ticket map[string]any) resp {
		id := ticket["upload"].(map[string]any)["id"].(string)
		return shared.do(t, req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: ed})
	}

	good := start(len(data), sha(data))
	expectProblem(t, complete(good), 409, "conflict") // nothing uploaded yet
	if st := put(good, data); st != 200 {
		t.Fatalf("PUT to the signed URL: %d", st)
	}
	done := expect(t, complete(good), 201)
	d := done.Map(t)
	if d["file"].(map[string]any)["sha256"] != sha(data) || d["id"] != good["upload"].(map[string]any)["document_id"] {
		t.Fatalf("completed document: %v", d)
	}
	if loc := done.Header.Get("Location"); loc != "/api/v1/documents/"+d["id"].(string) {
		t.Errorf("Location %q, want the document's URL", loc)
	}
	expectProblem(t, complete(good), 404, "not-found") // completed once

	// The object store refuses bytes whose checksum differs from the signed one.
	other := demo.PlaceholderPDF("Other " + t.Name())
	lying := start(len(other), sha(other))
	if st := put(lying, data); st != 400 {
		t.Fatalf("PUT with the wrong checksum: %d, want 400", st)
	}
	expectProblem(t, complete(lying), 409, "conflict")

	// Bytes that match their checksum but not the announced size are
	// refused at completion, and their object is removed.
	third := demo.PlaceholderPDF("Third " + t.Name())
	wrongSize := start(len(third)+5, sha(third))
	if st := put(wrongSize, third); st != 200 {
		t.Fatalf("PUT: %d", st)
	}
	key := "originals/" + wrongSize["upload"].(map[string]any)["document_id"].(string)
	if !shared.objectKeys(t)[key] {
		t.Fatal("the uploaded object is not there")
	}
	expectProblem(t, complete(wrongSize), 422, "validation-failed")
	if shared.objectKeys(t)[key] {
		t.Fatal("a refused upload's object was left behind")
	}

	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "a.pdf", "size": 10, "sha256": "XYZ", "metadata": docMeta("scan", "x")}}), 422, "validation-failed")
}

func TestDocumentMetadataEditsAndPurge(t *testing.T) {
	ed := shared.newToken(t, "editor")
	d := expect(t, shared.upload(t, ed, docMeta("scan", "Sken"), "sken.tif", "", append([]byte("II*\x00"), bytes.Repeat([]byte{1}, 100)...)), 201).Map(t)
	id := d["id"].(string)
	path := "/api/v1/documents/" + id
	expectProblem(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Body: map[string]any{"title": map[string]string{"en": "Scan"}}}), 428, "precondition-required")
	expectProblem(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(1), Body: map[string]any{"file": map[string]any{"sha256": "0"}}}), 400, "malformed-request")
	p := expect(t, shared.do(t, req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(1),
		Body: map[string]any{"title": map[string]string{"en": "Scan"}, "provenance": map[string]string{"custodian": "Gornjesavski muzej"}}}), 200).Map(t)
	if p["title"].(map[string]any)["sl"] != "Sken" || p["title"].(map[string]any)["en"] != "Scan" ||
		p["provenance"].(map[string]any)["custodian"] != "Gornjesavski muzej" || p["provenance"].(map[string]any)["source"] != "Občina Jesenice" {
		t.Fatalf("patched: %v", p)
	}
	if p["file"].(map[string]any)["content_type"] != "image/tiff" {
		t.Fatalf("file facts changed: %v", p["file"])
	}
	expectProblem(t, shared.do(t, req{Method: "POST", Path: path + "/purge", Token: ed}), 403, "forbidden")
	keys := shared.objectKeys(t)
	if !keys["originals/"+id] {
		t.Fatal("original missing before purge")
	}
	expect(t, shared.do(t, req{Method: "POST", Path: path + "/purge", Token: testAdminToken}), 204)
	if shared.objectKeys(t)["originals/"+id] {
		t.Fatal("purge left the original")
	}
	expectProblem(t, shared.do(t, req{Method: "GET", Path: path, Token: ed}), 404, "not-found")
	events, _ := shared.srv.documents.Events(context.Background(), id)
	if len(events) != 3 || events[1].Type != "metadata_changed" || events[2].Type != "purged" {
		t.Fatalf("events %+v", events)
	}
}

// A crash (kill -9) in the middle of an upload, then a restart and a
// sweep: no orphan objects and no record pointing at a missing object.
func TestCrashMidUploadThenSweepLeavesNoOrphans(t *testing.T) {
	dir := t.TempDir()
	addr, _ := freeAddr()
	s3, _ := freeAddr()
	exe, _ := os.Executable()
	cmd := execMain(exe, dir, addr, s3)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitReady(t, "http://"+addr+"/readyz")

	// Stream an upload slowly; kill the server while bytes are flowing.
	pr, pw := ioPipe()
	ct, head := uploadBody(t, docMeta("scan", "Prekinjen"), "prekinjen.pdf", "", nil)
	boundaryEnd := bytes.LastIndex(head, []byte("\r\n--"))
	go func() {
		pw.Write(head[:boundaryEnd])
		pw.Write([]byte("%PDF-1.4\n"))
		chunk := bytes.Repeat([]byte("y"), 1<<20)
		for i := 0; i < 40; i++ {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		pw.Close()
	}()
	hr, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/documents", pr)
	hr.Header.Set("Content-Type", ct)
	hr.Header.Set("Authorization", "Bearer "+testAdminToken)
	go func() {
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Kill()
	}()
	if res, err := httpClient.Do(hr); err == nil {
		res.Body.Close()
		t.Fatalf("the upload finished (%d) before the kill; the test did not crash anything", res.StatusCode)
	}
	cmd.Wait()

	s, err := startTestServer(dir, map[string]string{"TWINCMS_S3_ADDR": s3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	// And the other crash window: bytes stored, record never written.
	if _, err := s.srv.objs.Put(context.Background(), "originals/0123456789abcdef01234567", strings.NewReader("%PDF-1.4 orphan"), 15, "application/pdf", nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.srv.ingest.Sweep(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.OrphanObjects < 1 {
		t.Fatalf("sweep found no orphans: %+v", res)
	}
	keys := s.objectKeys(t)
	docs, _ := s.srv.documents.All(context.Background())
	known := map[string]bool{}
	for _, d := range docs {
		known[d.File.Key] = true
		if !keys[d.File.Key] {
			t.Errorf("record %s points at missing object %s", d.ID, d.File.Key)
		}
	}
	for k := range keys {
		if strings.HasPrefix(k, "originals/") && !known[k] {
			t.Errorf("orphan object %s survived the sweep", k)
		}
	}
	fmt.Fprintf(os.Stderr, "")
}

// A direct upload of bytes already stored is a duplicate like any other:
// 409 naming the document, and neither its object nor its upload stays.
func TestDirectUploadOfStoredBytesIsADuplicateAndLeavesNothing(t *testing.T) {
	data := pdfBytes("direct duplicate "+t.Name(), 64<<10)
	first := expect(t, shared.upload(t, testAdminToken, docMeta("scan", "Prvi"), "prvi.pdf", "", data), 201).Map(t)
	before := shared.storeState(t)
	ticket := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads", Token: testAdminToken, Body: map[string]any{
		"filename": "drugi.pdf", "size": len(data), "sha256": sha(data), "metadata": docMeta("scan", "Drugi")}}), 201).Map(t)
	putToTicket(t, ticket, data)
	id := ticket["upload"].(map[string]any)["id"].(string)
	p := expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: testAdminToken}), 409, "conflict")
	if p["duplicate_of"] != first["id"] {
		t.Fatalf("duplicate_of %v, want %v", p["duplicate_of"], first["id"])
	}
	shared.expectStoreUnchanged(t, before)
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: testAdminToken}), 404, "not-found")
}
