//go:build browser

// Admin UI tests of documents (uploads, refusals, crests, the archivist's
// screens) in headless Chromium against the real embedded servers:
// go test -count=1 -tags browser -run 'TestBrowser' ./web
// (TWINCMS_AXE names axe-core's axe.min.js; .ci/run installs it).
package web_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// pdfOf is a PDF-typed file of n bytes with random content (unique bytes,
// so no duplicate of an earlier test's file).
func pdfOf(t *testing.T, dir, name string, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, "%PDF-1.4\n%")
	copy(b[n-6:], "\n%%EOF")
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An archivist searches, checks a document's fixity, runs the audit and
// downloads a partnership's BagIt package.
func TestBrowserAdminArchivist(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "archivist"))
	var menu string
	u.eval(`[...document.querySelectorAll("#nav a")].map(a => a.getAttribute("href")).join(",")`, &menu)
	if menu != "#/dashboard,#/archive" {
		t.Fatalf("archivist menu %q", menu)
	}
	u.open("#/archive?kind=charter")
	u.waitJS(`document.querySelector("#document-list tbody tr")`)
	var kinds string
	u.eval(`[...document.querySelectorAll("#document-list tbody tr td:nth-child(2)")].map(td => td.textContent).join(",")`, &kinds)
	if kinds == "" || strings.Trim(strings.ReplaceAll(kinds, "Listina", ""), ",") != "" {
		t.Fatalf("kind=charter found %q", kinds)
	}
	var href string
	u.eval(`document.querySelector("#document-list tbody a").getAttribute("href")`, &href)
	u.open(href)
	if facts := u.text("#file-facts"); !strings.Contains(facts, "SHA-256") || !strings.Contains(facts, "application/pdf") {
		t.Fatalf("file facts %q", facts)
	}
	u.run(chromedp.Click(`#check-fixity`))
	u.waitJS(`document.querySelector("#fixity-result").dataset.result === "fixity_ok"`)
	if got := u.text("#fixity-result"); got != "Celovitost potrjena" {
		t.Fatalf("fixity result %q", got)
	}
	u.waitJS(`document.querySelector("#events li[data-type='fixity_ok']")`)

	u.open("#/archive")
	u.run(chromedp.Click(`#run-audit`))
	u.waitJS(`/Zadnji pregled|Pregled poteka/.test(document.querySelector("#audit-state").textContent)`)
	var slug string
	u.eval(`(() => { const s = document.querySelector("#bag-partnership"); const o = [...s.options].find(o => o.textContent === "Valjevo"); s.value = o.value; return o.textContent; })()`, &slug)
	var pslug string
	u.run(chromedp.Click(`#bag-download`))
	deadline := time.Now().Add(30 * time.Second)
	for pslug == "" {
		entries, _ := os.ReadDir(u.downloads)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".zip") {
				pslug = e.Name()
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no bag downloaded for %s; folder holds %v", slug, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	data, err := os.ReadFile(u.waitFile(pslug))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("bag %s: %v", pslug, err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	joined := strings.Join(names, " ")
	// With or without a base directory (RFC 8493 §4.2 allows either shape here).
	if !strings.Contains(joined, "bagit.txt") || !strings.Contains(joined, "manifest-sha256.txt") || !strings.Contains(joined, "data/") {
		t.Fatalf("bag %s holds %v", pslug, names)
	}
}

// A stored crest is previewed on its document page: the image comes
// through GET /documents/{id}/download and the signed link it redirects to.
func TestBrowserAdminCrestPreview(t *testing.T) {
	s := apitest.Shared(t)
	items := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents?kind=crest&per_page=1", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no crest in the demo content")
	}
	id := items[0].(map[string]any)["id"].(string)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/documents/" + id)
	u.waitJS(`(document.querySelector("#crest-preview img") || {}).naturalWidth > 0`)
	var alt string
	u.eval(`document.querySelector("#crest-preview img").alt`, &alt)
	if !strings.HasPrefix(alt, "Grb: ") {
		t.Fatalf("crest alt %q", alt)
	}
}

// Refused uploads are explained in plain words: a duplicate links to the
// stored document, an unsupported type names the allowed ones.
func TestBrowserAdminUploadRefusals(t *testing.T) {
	s := apitest.Shared(t)
	items := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents?kind=charter&per_page=100", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any)
	var stored map[string]any
	for _, it := range items {
		if m := it.(map[string]any); m["status"] == "active" {
			stored = m
		}
	}
	original := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + stored["id"].(string) + "/original", Token: apitest.AdminToken}), 200).Body
	dir := t.TempDir()
	dup, txt := filepath.Join(dir, "kopija.pdf"), filepath.Join(dir, "zapisnik.txt")
	if err := os.WriteFile(dup, original, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(txt, []byte("samo besedilo, ne PDF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/documents")
	u.run(chromedp.SetUploadFiles(`#up-files`, []string{dup, txt}))
	u.waitJS(`document.querySelectorAll("#upload-list li[data-done='false']").length === 2`)
	var href string
	u.eval(`document.querySelector("li[data-file='kopija.pdf'] a.duplicate").getAttribute("href")`, &href)
	title := stored["title"].(map[string]any)["sl"].(string)
	if got := u.text("li[data-file='kopija.pdf'] a.duplicate"); got != "Ta datoteka je že shranjena kot »"+title+"«" || href != "#/documents/"+stored["id"].(string) {
		t.Fatalf("duplicate shown as %q → %q", got, href)
	}
	if got := u.text("li[data-file='zapisnik.txt'] .state"); !strings.Contains(got, "Vrsta datoteke ni podprta (dovoljeni: PDF, PNG, JPEG, TIFF, WebP)") {
		t.Fatalf("unsupported type shown as %q", got)
	}
}

// Too large (413) is said in plain words with the limit, before any byte
// goes to the bucket (an instance with a 1 MiB upload limit).
func TestBrowserAdminUploadTooLarge(t *testing.T) {
	small, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_MAX_UPLOAD_BYTES": "1048576", "TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	big := pdfOf(t, t.TempDir(), "prevelik.pdf", 9<<20)
	u := newBrowser(t)
	u.base = small.Base
	u.signIn(apitest.AdminToken)
	u.open("#/documents")
	u.run(chromedp.SetUploadFiles(`#up-files`, []string{big}))
	u.waitJS(`document.querySelector("#upload-list li[data-done='false']")`)
	if got := u.text("li[data-file='prevelik.pdf'] .state"); !strings.Contains(got, "Datoteka je prevelika (največ 1.0 MB)") {
		t.Fatalf("too large shown as %q", got)
	}
}
