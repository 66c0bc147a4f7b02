//go:build browser

// Admin UI tests in headless Chromium against the real embedded servers:
// go test -count=1 -tags browser -run 'TestBrowser' ./web
// (TWINCMS_AXE names axe-core's axe.min.js; .ci/run installs it).
package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// A wrong token is refused with the glossary's words; a right one is
// typed and sent with the keyboard only; the role shows; sign-out forgets
// the token; the language switch changes the interface.
func TestBrowserAdminSignIn(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.run(chromedp.Navigate(s.Base+"/admin/"), chromedp.WaitVisible(`#signin-password input[name=email]`))
	u.axe("sign-in")
	// The token field waits behind its own button.
	var hidden bool
	u.eval(`document.querySelector("#signin-token").hidden && document.querySelector("#signin-token-toggle").getAttribute("aria-expanded") === "false"`, &hidden)
	if !hidden || u.text("#signin-token-toggle") != "Prijava z žetonom API" {
		t.Fatalf("the token sign-in is not behind its button (%q)", u.text("#signin-token-toggle"))
	}
	u.run(chromedp.Click(`#signin-token-toggle`))
	u.waitJS(`document.activeElement && document.activeElement.name === "token"`)
	u.axe("sign-in with a token")
	u.run(chromedp.SendKeys(`#signin-token input`, "tcms_not-a-token\n"))
	u.waitJS(`document.querySelector("#signin-error").textContent !== ""`)
	if got := u.text("#signin-error"); got != "Napačen ali preklican žeton" {
		t.Fatalf("wrong token message %q", got)
	}
	u.setValue(`#signin-token input`, "")

	editor := s.NewToken(t, "editor")
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
	if menu != "#/dashboard,#/partnerships,#/documents,#/media,#/blocks,#/pages" {
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
	r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/tokens", Token: apitest.AdminToken}).Map(t)
	for _, it := range r["items"].([]any) {
		m := it.(map[string]any)
		if m["prefix"] == editor[:9] {
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/tokens/" + m["id"].(string), Token: apitest.AdminToken}), 204)
		}
	}
	u.setValue(`#ui-lang`, "sl")
	// The switch redraws the screen after its change handler awaits:
	// clicking before that clicked the English screen's button, which the
	// redraw then took away (the click waited on it until the deadline).
	u.waitJS(`document.documentElement.lang === "sl" && document.querySelector("#signin-token-toggle") && document.querySelector("#signin-token-toggle").textContent === "Prijava z žetonom API"`)
	u.run(chromedp.Click(`#signin-token-toggle`))
	u.run(chromedp.SendKeys(`#signin-token input`, editor+"\n"))
	u.waitJS(`document.querySelector("#signin-error").textContent === "Napačen ali preklican žeton"`)
}

// An editor creates a partnership in two languages, uploads a small PDF
// through the API and a 20 MB one straight to the bucket (each progress
// bar reaching 100 %), attaches them, publishes with the keyboard, finds
// the partnership on the public API and the demo site, then tries to
// withdraw a document the published page shows and is told, in words,
// which partnership uses it; nothing is withdrawn.
func TestBrowserAdminEditorFlow(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	slug := fmt.Sprintf("gorica-ui-%d", time.Now().UnixNano()%1e9)

	u.open("#/partnerships/new")
	u.run(chromedp.SendKeys(`#slug`, slug), chromedp.SendKeys(`#country`, "IT"),
		chromedp.SendKeys(`#sl-name`, "Gorica UI"), chromedp.SendKeys(`#sl-summary`, "Slovensko besedilo."),
		chromedp.Click(`#tab-en`), chromedp.SendKeys(`#en-name`, "Gorizia UI"), chromedp.SendKeys(`#en-summary`, "English text."),
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
	u.run(chromedp.Navigate(s.Base+"/"), chromedp.WaitVisible(`li.partner[data-slug="`+slug+`"]`))

	// Withdraw the small document: refused while the published page shows
	// it, the message naming the partnership.
	// The search finds both (each is a charter, "listina", of Gorica UI):
	// the small one is told by its file name.
	found := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents?q=listina-gorica", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any)
	var docs []any
	for _, d := range found {
		if d.(map[string]any)["file"].(map[string]any)["original_filename"] == "listina-gorica.pdf" {
			docs = append(docs, d)
		}
	}
	if len(docs) != 1 {
		t.Fatalf("found %d documents named listina-gorica.pdf among %d", len(docs), len(found))
	}
	docID := docs[0].(map[string]any)["id"].(string)
	u.run(chromedp.Navigate(s.Base + "/admin/#/documents/" + docID))
	u.waitJS(`document.body.dataset.route === "#/documents/` + docID + `"`)
	u.run(chromedp.Click(`#doc-toggle`))
	u.confirm("umakniti dokument")
	u.waitJS(`document.querySelector("#status").textContent.includes("uporablja objavljena vsebina: Gorica UI")`)
	u.waitJS(`document.querySelector("#doc-status").dataset.status === "active"`)
	if st := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + docID, Token: apitest.AdminToken}), 200).Map(t)["status"]; st != "active" {
		t.Fatalf("the refused withdrawal left the document %v", st)
	}
	waitPublic(t, slug, func(m map[string]any) bool { return len(m["documents"].([]any)) == 2 })
}

// directCompletions counts successful POST /uploads/{id}/complete calls.
func directCompletions(t *testing.T) int {
	s := apitest.Shared(t)
	body := string(apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body)
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
	s := apitest.Shared(t)
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug + "?locale=en"})
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
	s := apitest.Shared(t)
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/archive", Token: apitest.AdminToken,
		Headers: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, int(cur["version"].(float64)))}}), 200)
}

// createPartnership makes a draft through the API and returns its id.
func createPartnership(t *testing.T, slug, name string) string {
	s := apitest.Shared(t)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: map[string]any{
		"slug": slug, "relation": "friendship", "partner": map[string]any{"name": map[string]string{"sl": name}, "country": "AT"},
	}}), 201)
	return r.Map(t)["id"].(string)
}

// Two tabs edit one record: the second save meets 412, the editor sees the
// glossary's message and what changed, nothing typed is lost, and after
// Compare the save keeps both editors' changes.
func TestBrowserAdminConflictKeepsTyping(t *testing.T) {
	s := apitest.Shared(t)
	id := createPartnership(t, fmt.Sprintf("beljak-ui-%d", time.Now().UnixNano()%1e9), "Beljak UI")
	token := s.NewToken(t, "editor")
	a := newBrowser(t)
	a.signIn(token)
	b := a.tab()
	b.signIn(token)
	a.open("#/partnerships/" + id)
	b.open("#/partnerships/" + id)

	b.run(chromedp.SendKeys(`#website`, "https://www.villach.at"), chromedp.Click(`#save`))
	b.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)

	a.run(chromedp.SendKeys(`#sl-summary`, "Besedilo, ki ga ne smemo izgubiti."), chromedp.Click(`#save`))
	a.waitJS(`!document.querySelector("#conflict").hidden`)
	if msg := a.text("#conflict h2"); msg != "Nekdo drug je medtem spremenil ta zapis. Vaše spremembe so ohranjene." {
		t.Fatalf("conflict message %q", msg)
	}
	if diff := a.text("#conflict table"); !strings.Contains(diff, "Spletna stran") || !strings.Contains(diff, "https://www.villach.at") {
		t.Fatalf("conflict shows %q", diff)
	}
	var typed string
	a.eval(`document.querySelector("#sl-summary").innerHTML`, &typed)
	if typed != "<p>Besedilo, ki ga ne smemo izgubiti.</p>" {
		t.Fatalf("typed text now %q", typed)
	}
	a.run(chromedp.Click(`#compare`))
	a.waitJS(`document.querySelector("#compare-out table")`)
	a.run(chromedp.Click(`#save`))
	a.waitJS(`document.querySelector("#conflict").hidden && document.querySelector("#record-status").textContent.includes("3")`)
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if m["partner"].(map[string]any)["website"] != "https://www.villach.at" || !strings.Contains(m["summary"].(map[string]any)["sl"].(string), "ne smemo izgubiti") {
		t.Fatalf("after the merge: %v", m)
	}
	// The history shows the diff of version 3 against 2, and restores 2.
	a.waitJS(`document.querySelector("button[data-version='3']")`)
	a.run(chromedp.Click(`button[data-version='3']`))
	a.waitJS(`document.querySelector("#version-diff table")`)
	if d := a.text("#version-diff table"); !strings.Contains(d, "Povzetek (SL)") {
		t.Fatalf("version 3 diff %q", d)
	}
}

// An admin creates a token (the secret shown once, with a copy button) and
// revokes it; the API agrees each time.
func TestBrowserAdminTokens(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(apitest.AdminToken)
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
	me := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: secret}), 200).Map(t)
	if me["role"] != "archivist" || me["name"] != "Arhiv UI" {
		t.Fatalf("me %v", me)
	}
	var page string
	u.eval(`document.querySelector("#token-list").textContent`, &page)
	if strings.Contains(page, secret) {
		t.Fatal("the token list shows a secret")
	}
	u.run(chromedp.Click(fmt.Sprintf(`button[data-revoke=%q]`, me["id"])))
	// It asks first; "No" keeps the token.
	u.waitJS(`document.querySelector("dialog[open]")`)
	if q := u.text("#confirm-text"); !strings.Contains(q, "Arhiv UI") || !strings.Contains(q, "preklicati") {
		t.Fatalf("revoke asks %q", q)
	}
	u.axe("revoke confirmation")
	u.run(chromedp.Click(`#confirm-no`))
	u.waitJS(`!document.querySelector("dialog")`)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: secret}), 200)
	u.run(chromedp.Click(fmt.Sprintf(`button[data-revoke=%q]`, me["id"])))
	u.confirm("preklicati žeton")
	u.waitJS(fmt.Sprintf(`!document.querySelector('button[data-revoke=%q]')`, me["id"]))
	// The revoked secret leaves the screen.
	u.waitJS(`!document.querySelector("#secret-value")`)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: secret}), 401, "unauthorized")
}

// An editor who prefers HTML types it under "HTML koda" and sees what the
// server kept after sanitizing (the style attribute dropped, the text kept).
func TestBrowserAdminBlockShowsSanitized(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/blocks/new")
	key := fmt.Sprintf("ui-blok-%d", time.Now().UnixNano()%1e9)
	u.run(chromedp.SendKeys(`#block-key`, key), chromedp.Click(`#panel-sl .rte-source summary`),
		chromedp.SendKeys(`#body-sl-html`, `<p style="color:red">Pozdrav iz <b>Jesenic</b></p>`))
	// The editor shows the same text formatted, without the style.
	if got := u.text("#body-sl strong, #body-sl b"); got != "Jesenic" {
		t.Fatalf("the editor shows the bold word as %q", got)
	}
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#kept [data-locale='sl'] code")`)
	src := u.text("#kept [data-locale='sl'] code")
	if strings.Contains(src, "style=") || !strings.Contains(src, "Pozdrav iz") || !strings.Contains(src, "<b>Jesenic</b>") {
		t.Fatalf("kept %q", src)
	}
	var stored struct {
		Body map[string]string `json:"body"`
	}
	list := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/blocks?q=" + key, Token: apitest.AdminToken}), 200).Map(t)["items"].([]any)
	b, _ := json.Marshal(list[0])
	_ = json.Unmarshal(b, &stored)
	if stored.Body["sl"] != src {
		t.Fatalf("the page shows %q, the server stored %q", src, stored.Body["sl"])
	}
}
