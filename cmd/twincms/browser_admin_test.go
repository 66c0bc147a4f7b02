//go:build browser

// Admin UI tests in headless Chromium against the real embedded servers:
// go test -count=1 -tags browser -run 'TestBrowser' ./cmd/twincms
// (TWINCMS_AXE names axe-core's axe.min.js; .ci/run installs it).
package main

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A wrong token is refused with the glossary's words; a right one is
// typed and sent with the keyboard only; the role shows; sign-out forgets
// the token; the language switch changes the interface.
func TestBrowserAdminSignIn(t *testing.T) {
	u := newBrowser(t)
	u.run(chromedp.Navigate(shared.base+"/admin/"), chromedp.WaitVisible(`#signin input`))
	u.axe("sign-in")
	u.waitJS(`document.activeElement && document.activeElement.name === "token"`)
	u.run(chromedp.SendKeys(`#signin input`, "tcms_not-a-token\n"))
	u.waitJS(`document.querySelector("#signin-error").textContent !== ""`)
	if got := u.text("#signin-error"); got != "Napačen ali preklican žeton" {
		t.Fatalf("wrong token message %q", got)
	}
	u.setValue(`#signin input`, "")

	editor := shared.newToken(t, "editor")
	u.signIn(editor)
	if who := u.text("#who"); !strings.Contains(who, "Urednik") {
		t.Fatalf("role shown %q", who)
	}
	var stored, href string
	u.eval(`sessionStorage.getItem("twincms.token")`, &stored)
	u.eval(`location.href`, &href)
	if stored != editor || strings.Contains(href, editor) {
		t.Fatalf("token kept %q, url %q", stored, href)
	}
	// An editor's menu has no archive or tokens.
	var menu string
	u.eval(`[...document.querySelectorAll("#nav a")].map(a => a.getAttribute("href")).join(",")`, &menu)
	if menu != "#/dashboard,#/partnerships,#/documents,#/blocks,#/pages" {
		t.Fatalf("editor menu %q", menu)
	}
	u.setValue(`#ui-lang`, "en")
	u.waitJS(`document.documentElement.lang === "en" && document.querySelector("#nav a[href='#/partnerships']").textContent === "Partnerships"`)
	if who := u.text("#who"); !strings.Contains(who, "Editor") {
		t.Fatalf("English role %q", who)
	}
	u.run(chromedp.Click(`#signout`))
	u.waitJS(`document.querySelector("#signin")`)
	u.eval(`sessionStorage.getItem("twincms.token") || ""`, &stored)
	if stored != "" {
		t.Fatal("sign-out kept the token")
	}
	// A revoked token is refused at sign-in.
	r := shared.do(t, req{Method: "GET", Path: "/api/v1/tokens", Token: testAdminToken}).Map(t)
	for _, it := range r["items"].([]any) {
		m := it.(map[string]any)
		if m["prefix"] == editor[:9] {
			expect(t, shared.do(t, req{Method: "DELETE", Path: "/api/v1/tokens/" + m["id"].(string), Token: testAdminToken}), 204)
		}
	}
	u.setValue(`#ui-lang`, "sl")
	u.run(chromedp.SendKeys(`#signin input`, editor+"\n"))
	u.waitJS(`document.querySelector("#signin-error").textContent === "Napačen ali preklican žeton"`)
}

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

// An editor creates a partnership in two languages, uploads a small PDF
// through the API and a 20 MB one straight to the bucket (each progress
// bar reaching 100 %), attaches them, publishes with the keyboard, finds
// the partnership on the public API and the demo site, then withdraws a
// document and sees it leave the public page.
func TestBrowserAdminEditorFlow(t *testing.T) {
	u := newBrowser(t)
	u.signIn(shared.newToken(t, "editor"))
	slug := fmt.Sprintf("gorica-ui-%d", time.Now().UnixNano()%1e9)

	u.open("#/partnerships/new")
	u.run(chromedp.SendKeys(`#slug`, slug), chromedp.SendKeys(`#country`, "IT"),
		chromedp.SendKeys(`#sl-name`, "Gorica UI"), chromedp.SendKeys(`#sl-summary`, "<p>Slovensko besedilo.</p>"),
		chromedp.Click(`#tab-en`), chromedp.SendKeys(`#en-name`, "Gorizia UI"), chromedp.SendKeys(`#en-summary`, "<p>English text.</p>"),
		chromedp.Click(`#add-agreement`), chromedp.SendKeys(`#sl-agreement0-title`, "Listina o pobratenju"))
	// German is missing: its tab is marked and says what the public page shows.
	var deMarked bool
	u.eval(`!document.querySelector("#tab-de .marker").hidden && !document.querySelector("#tab-en .marker").hidden === false`, &deMarked)
	if !deMarked {
		t.Fatal("the de tab has no missing-translation marker (or en has one)")
	}
	if note := u.text("#panel-de .missing"); note != "Manjka prevod — na javni strani bo prikazano besedilo v jeziku: en" {
		t.Fatalf("de note %q", note)
	}
	// Last on the page, so other tests still see the demo's order first.
	u.setValue(`#sort`, "1000")
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").dataset.status === "draft"`)
	var id string
	u.eval(`location.hash.split("/")[2]`, &id)
	t.Cleanup(func() { archivePartnership(t, id) })

	// Uploads: one small through POST /documents, one of 20 MB direct.
	dir := t.TempDir()
	small := pdfOf(t, dir, "listina-gorica.pdf", 200<<10)
	large := pdfOf(t, dir, "sken-gorica.pdf", 20<<20)
	u.open("#/documents")
	u.setValue(`#up-partnership`, id)
	u.setValue(`#up-kind`, "charter")
	u.eval(`window.__progress = {}; new MutationObserver(ms => { for (const m of ms) if (m.target.tagName === "PROGRESS") {
	  const n = m.target.closest("li").dataset.file; (window.__progress[n] ||= []).push(m.target.value); } })
	  .observe(document.querySelector("#upload-list"), {subtree: true, attributes: true, attributeFilter: ["value"]})`, nil)
	before := directCompletions(t)
	u.run(chromedp.SetUploadFiles(`#up-files`, []string{small, large}))
	u.waitJS(`document.querySelectorAll("#upload-list li[data-done]").length === 2`)
	var progress map[string][]float64
	u.eval(`window.__progress`, &progress)
	var done string
	u.eval(`[...document.querySelectorAll("#upload-list li")].map(li => li.dataset.file + "=" + li.dataset.done).sort().join(",")`, &done)
	if done != "listina-gorica.pdf=true,sken-gorica.pdf=true" {
		t.Fatalf("uploads %s: %s", done, u.text("#upload-list"))
	}
	for _, name := range []string{"listina-gorica.pdf", "sken-gorica.pdf"} {
		p := progress[name]
		if len(p) == 0 || p[len(p)-1] != 100 {
			t.Fatalf("%s progress %v never reached 100", name, p)
		}
		t.Logf("%s progress values seen: %v", name, p)
	}
	if got := directCompletions(t); got != before+1 {
		t.Fatalf("direct upload completions %d → %d, want one more", before, got)
	}

	// Publish with the keyboard only.
	u.open("#/partnerships/" + id)
	u.eval(`document.querySelector("#slug").focus()`, nil)
	u.pressTabUntil("publish")
	u.run(chromedp.KeyEvent("\r"))
	u.waitJS(`document.querySelector("#record-status").dataset.status === "published"`)

	pub := waitPublic(t, slug, func(m map[string]any) bool { return len(m["documents"].([]any)) == 2 })
	if pub["name"] != "Gorizia UI" {
		t.Fatalf("public en name %v", pub["name"])
	}
	// The demo site shows it.
	u.run(chromedp.Navigate(shared.base+"/"), chromedp.WaitVisible(`li.partner[data-slug="`+slug+`"]`))

	// Withdraw the small document: it leaves the public page.
	docs := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents?q=listina-gorica", Token: testAdminToken}), 200).Map(t)["items"].([]any)
	if len(docs) != 1 {
		t.Fatalf("found %d documents for listina-gorica", len(docs))
	}
	docID := docs[0].(map[string]any)["id"].(string)
	u.run(chromedp.Navigate(shared.base + "/admin/#/documents/" + docID))
	u.waitJS(`document.body.dataset.route === "#/documents/` + docID + `"`)
	u.run(chromedp.Click(`#doc-toggle`))
	u.waitJS(`document.querySelector("#doc-status").dataset.status === "withdrawn"`)
	waitPublic(t, slug, func(m map[string]any) bool { return len(m["documents"].([]any)) == 1 })
}

// directCompletions counts successful POST /uploads/{id}/complete calls.
func directCompletions(t *testing.T) int {
	body := string(expect(t, shared.do(t, req{Method: "GET", Path: "/metrics"}), 200).Body)
	n := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, `/api/v1/uploads/:id/complete`) && strings.Contains(line, `"201"`) && strings.Contains(line, "_total") {
			fmt.Sscanf(line[strings.LastIndex(line, " ")+1:], "%d", &n)
		}
	}
	return n
}

// waitPublic polls the public partnership (en) until ok holds (20 s).
func waitPublic(t *testing.T, slug string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := shared.do(t, req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug + "?locale=en"})
		if r.Status == 200 {
			m := r.Map(t)
			if ok(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("public %s never matched: %d %s", slug, r.Status, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// archivePartnership takes a test's partnership off the public page.
func archivePartnership(t *testing.T, id string) {
	cur := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: testAdminToken}), 200).Map(t)
	expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/archive", Token: testAdminToken,
		Headers: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, int(cur["version"].(float64)))}}), 200)
}

// createPartnership makes a draft through the API and returns its id.
func createPartnership(t *testing.T, slug, name string) string {
	r := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: testAdminToken, Body: map[string]any{
		"slug": slug, "relation": "friendship", "partner": map[string]any{"name": map[string]string{"sl": name}, "country": "AT"},
	}}), 201)
	return r.Map(t)["id"].(string)
}

// Two tabs edit one record: the second save meets 412, the editor sees the
// glossary's message and what changed, nothing typed is lost, and after
// Compare the save keeps both editors' changes.
func TestBrowserAdminConflictKeepsTyping(t *testing.T) {
	id := createPartnership(t, fmt.Sprintf("beljak-ui-%d", time.Now().UnixNano()%1e9), "Beljak UI")
	token := shared.newToken(t, "editor")
	a := newBrowser(t)
	a.signIn(token)
	b := a.tab()
	b.signIn(token)
	a.open("#/partnerships/" + id)
	b.open("#/partnerships/" + id)

	b.run(chromedp.SendKeys(`#website`, "https://www.villach.at"), chromedp.Click(`#save`))
	b.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)

	a.run(chromedp.SendKeys(`#sl-summary`, "<p>Besedilo, ki ga ne smemo izgubiti.</p>"), chromedp.Click(`#save`))
	a.waitJS(`!document.querySelector("#conflict").hidden`)
	if msg := a.text("#conflict h2"); msg != "Nekdo drug je medtem spremenil ta zapis. Vaše spremembe so ohranjene." {
		t.Fatalf("conflict message %q", msg)
	}
	if diff := a.text("#conflict table"); !strings.Contains(diff, "partner.website") || !strings.Contains(diff, "https://www.villach.at") {
		t.Fatalf("conflict shows %q", diff)
	}
	var typed string
	a.eval(`document.querySelector("#sl-summary").value`, &typed)
	if typed != "<p>Besedilo, ki ga ne smemo izgubiti.</p>" {
		t.Fatalf("typed text now %q", typed)
	}
	a.run(chromedp.Click(`#compare`))
	a.waitJS(`document.querySelector("#compare-out table")`)
	a.run(chromedp.Click(`#save`))
	a.waitJS(`document.querySelector("#conflict").hidden && document.querySelector("#record-status").textContent.includes("3")`)
	m := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: testAdminToken}), 200).Map(t)
	if m["partner"].(map[string]any)["website"] != "https://www.villach.at" || !strings.Contains(m["summary"].(map[string]any)["sl"].(string), "ne smemo izgubiti") {
		t.Fatalf("after the merge: %v", m)
	}
	// The history shows the diff of version 3 against 2, and restores 2.
	a.waitJS(`document.querySelector("button[data-version='3']")`)
	a.run(chromedp.Click(`button[data-version='3']`))
	a.waitJS(`document.querySelector("#version-diff table")`)
	if d := a.text("#version-diff table"); !strings.Contains(d, "summary.sl") {
		t.Fatalf("version 3 diff %q", d)
	}
}

// An archivist searches, checks a document's fixity, runs the audit and
// downloads a partnership's BagIt package.
func TestBrowserAdminArchivist(t *testing.T) {
	u := newBrowser(t)
	u.signIn(shared.newToken(t, "archivist"))
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

// An admin creates a token (the secret shown once, with a copy button) and
// revokes it; the API agrees each time.
func TestBrowserAdminTokens(t *testing.T) {
	u := newBrowser(t)
	u.signIn(testAdminToken)
	u.open("#/tokens")
	u.run(chromedp.SendKeys(`#token-name`, "Arhiv UI"))
	u.setValue(`#token-role`, "archivist")
	u.eval(`document.querySelector("#token-form").requestSubmit()`, nil)
	u.waitJS(`document.querySelector("#secret-value")`)
	secret := u.text("#secret-value")
	if !strings.HasPrefix(secret, "tcms_") || u.text("#secret .warning") != "Skrivnost je prikazana samo enkrat — kopirajte jo zdaj" {
		t.Fatalf("secret %q, note %q", secret, u.text("#secret .warning"))
	}
	if u.text("#copy-secret") != "Kopiraj" {
		t.Fatal("no copy button")
	}
	me := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/me", Token: secret}), 200).Map(t)
	if me["role"] != "archivist" || me["name"] != "Arhiv UI" {
		t.Fatalf("me %v", me)
	}
	var page string
	u.eval(`document.querySelector("#token-list").textContent`, &page)
	if strings.Contains(page, secret) {
		t.Fatal("the token list shows a secret")
	}
	u.run(chromedp.Click(fmt.Sprintf(`button[data-revoke=%q]`, me["id"])))
	u.waitJS(fmt.Sprintf(`!document.querySelector('button[data-revoke=%q]')`, me["id"]))
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/me", Token: secret}), 401, "unauthorized")
}

// adminScreens are the screens walked for axe-core and screenshots.
var adminScreens = []string{"#/dashboard", "#/partnerships", "#/partnerships/new", "#/partnerships/ID", "#/documents", "#/documents/DOC",
	"#/blocks", "#/blocks/BLOCK", "#/pages", "#/pages/PAGE", "#/preview/ID", "#/archive", "#/archive/DOC", "#/tokens"}

// Every screen of the admin UI and the demo site pass axe-core's WCAG 2.1
// A/AA rules, and at 375 px nothing is wider than the screen. Screenshots
// (desktop and 375 px) go to TWINCMS_SCREENSHOTS when set.
func TestBrowserScreenshots(t *testing.T) {
	dir := os.Getenv("TWINCMS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	first := func(path string) string {
		items := expect(t, shared.do(t, req{Method: "GET", Path: path, Token: testAdminToken}), 200).Map(t)["items"].([]any)
		return items[0].(map[string]any)["id"].(string)
	}
	ids := strings.NewReplacer("ID", first("/api/v1/partnerships?sort=sort&per_page=1"), "DOC", first("/api/v1/documents?kind=charter&per_page=1"),
		"BLOCK", first("/api/v1/blocks?per_page=1"), "PAGE", first("/api/v1/pages?per_page=1"))
	u := newBrowser(t)
	u.run(chromedp.Navigate(shared.base+"/admin/"), chromedp.WaitVisible(`#signin input`))
	u.screenshot(dir, "signin-desktop")
	u.signIn(testAdminToken)
	for _, width := range []int64{1280, 375} {
		u.viewport(width, 900, width < 600)
		suffix := map[bool]string{true: "375", false: "desktop"}[width < 600]
		for _, s := range adminScreens {
			hash := ids.Replace(s)
			u.open(hash)
			name := strings.NewReplacer("#/", "", "/", "-", "ID", "record", "DOC", "document", "BLOCK", "block", "PAGE", "page").Replace(s)
			if width > 600 {
				u.axe(name)
			} else {
				var sw int64
				u.eval(`document.documentElement.scrollWidth`, &sw)
				if sw > width {
					t.Errorf("%s is %d px wide at %d px", name, sw, width)
				}
			}
			u.screenshot(dir, name+"-"+suffix)
		}
		u.run(chromedp.Navigate(shared.base+"/"), chromedp.WaitVisible(`li.partner`))
		if width > 600 {
			u.axe("demo site")
		}
		u.screenshot(dir, "demo-site-"+suffix)
		u.run(chromedp.Navigate(shared.base + "/admin/"))
		u.waitJS(`document.body.dataset.route !== undefined`)
	}
	var list []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		list = append(list, e.Name())
	}
	b, _ := json.Marshal(list)
	t.Logf("screenshots in %s: %s", dir, b)
}

// An editor writes a block with the toolbar and sees what the server kept
// after sanitizing (the style attribute dropped, the text kept).
func TestBrowserAdminBlockShowsSanitized(t *testing.T) {
	u := newBrowser(t)
	u.signIn(shared.newToken(t, "editor"))
	u.open("#/blocks/new")
	key := fmt.Sprintf("ui-blok-%d", time.Now().UnixNano()%1e9)
	u.run(chromedp.SendKeys(`#block-key`, key), chromedp.SendKeys(`#panel-sl textarea`, `<p style="color:red">Pozdrav iz Jesenic</p>`))
	u.eval(`(() => { const a = document.querySelector("#panel-sl textarea"); a.setSelectionRange(a.value.length, a.value.length); })()`, nil)
	u.run(chromedp.Click(`#panel-sl .toolbar button`))
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#kept [data-locale='sl'] code")`)
	src := u.text("#kept [data-locale='sl'] code")
	if strings.Contains(src, "style=") || !strings.Contains(src, "Pozdrav iz Jesenic") || !strings.Contains(src, "<strong></strong>") {
		t.Fatalf("kept %q", src)
	}
	var stored struct {
		Body map[string]string `json:"body"`
	}
	list := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/blocks?q=" + key, Token: testAdminToken}), 200).Map(t)["items"].([]any)
	b, _ := json.Marshal(list[0])
	_ = json.Unmarshal(b, &stored)
	if stored.Body["sl"] != src {
		t.Fatalf("the page shows %q, the server stored %q", src, stored.Body["sl"])
	}
}

// A stored crest is previewed on its document page: the image comes
// through GET /documents/{id}/download and the signed link it redirects to.
func TestBrowserAdminCrestPreview(t *testing.T) {
	items := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents?kind=crest&per_page=1", Token: testAdminToken}), 200).Map(t)["items"].([]any)
	if len(items) == 0 {
		t.Fatal("no crest in the demo content")
	}
	id := items[0].(map[string]any)["id"].(string)
	u := newBrowser(t)
	u.signIn(shared.newToken(t, "editor"))
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
	items := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents?kind=charter&per_page=100", Token: testAdminToken}), 200).Map(t)["items"].([]any)
	var stored map[string]any
	for _, it := range items {
		if m := it.(map[string]any); m["status"] == "active" {
			stored = m
		}
	}
	original := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + stored["id"].(string) + "/original", Token: testAdminToken}), 200).Body
	dir := t.TempDir()
	dup, txt := filepath.Join(dir, "kopija.pdf"), filepath.Join(dir, "zapisnik.txt")
	if err := os.WriteFile(dup, original, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(txt, []byte("samo besedilo, ne PDF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := newBrowser(t)
	u.signIn(shared.newToken(t, "editor"))
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
	small, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_MAX_UPLOAD_BYTES": "1048576", "TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer small.close()
	big := pdfOf(t, t.TempDir(), "prevelik.pdf", 9<<20)
	u := newBrowser(t)
	u.base = small.base
	u.signIn(testAdminToken)
	u.open("#/documents")
	u.run(chromedp.SetUploadFiles(`#up-files`, []string{big}))
	u.waitJS(`document.querySelector("#upload-list li[data-done='false']")`)
	if got := u.text("li[data-file='prevelik.pdf'] .state"); !strings.Contains(got, "Datoteka je prevelika (največ 1.0 MB)") {
		t.Fatalf("too large shown as %q", got)
	}
}
