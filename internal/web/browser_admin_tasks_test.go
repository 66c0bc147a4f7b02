//go:build browser

// The six tasks of the admin UI done as an editor, an archivist and an
// admin would do them (issue 25's "Done when"): each starts by typing the
// admin's address without a trailing slash and signing in with an email
// and a password; controls are found by their visible names only; every
// step is counted and logged; every screen passes axe at 1280 and 375 px;
// the outcome is checked through the HTTP API.
//
//	TWINCMS_AXE=/tmp/axe/node_modules/axe-core/axe.min.js TWINCMS_SCREENSHOTS=/tmp/tasks \
//	  go test -count=1 -tags browser -run TestBrowserAdminTasks -v ./internal/web
package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/bagit"
)

// account makes a person's account (invited by the admin through the API,
// the password set as the invitation's link would) and returns its email
// and password.
func account(t *testing.T, name, role string) (string, string) {
	t.Helper()
	s := apitest.Shared(t)
	ascii := strings.NewReplacer("š", "s", "č", "c", "ž", "z", "Š", "S", "Č", "C", "Ž", "Z").Replace(name)
	email := fmt.Sprintf("%s.%d@jesenice.si", strings.ToLower(strings.Fields(ascii)[0]), time.Now().UnixNano()%1e9)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/users", Token: apitest.AdminToken,
		Body: map[string]string{"email": email, "name": name, "role": role}}), 201).Map(t)
	link := r["invitation_link"].(string)
	secret, _ := url.QueryUnescape(link[strings.Index(link, "#invitation=")+len("#invitation="):])
	const pw = "Triglav in Stol 2864 m"
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": pw}}), 200)
	return email, pw
}

// newPerson is a browser for one task, signed in as a new account of role.
// On a phone (a test name ending in "375 px") the whole task is done at 375 px.
func newPerson(t *testing.T, task, name, role string) *person {
	email, pw := account(t, name, role)
	p := &person{ui: newBrowser(t), task: task, phone: strings.HasSuffix(t.Name(), "375_px")}
	if p.phone {
		p.task += " (375 px)"
	}
	p.size(p.phone)
	// A failed task says what the person last saw (the browser is still
	// open: this cleanup runs before newBrowser's).
	t.Cleanup(func() {
		if t.Failed() {
			var seen string
			if err := chromedp.Run(p.ctx, chromedp.Evaluate(`location.hash + "\n" + document.body.innerText.slice(0, 1500)`, &seen)); err == nil {
				t.Logf("%s: the screen at the end shows %s", p.task, seen)
			}
		}
	})
	p.openAdmin(email, pw)
	return p
}

// finish takes the task's last screen at both widths and logs the count.
func (p *person) finish(name string) {
	p.t.Helper()
	if p.phone {
		name += "-phone"
	}
	p.both(shots(p.t), "task-"+name)
	p.size(p.phone)
	p.done()
	taskSteps[p.task] = p.steps
}

// taskSteps are the step counts, logged together at the end.
var taskSteps = map[string]int{}

// Each task is done at 1280 px and again on a phone at 375 px (where a
// control hidden or covered on a small screen cannot be clicked).
func TestBrowserAdminTasks(t *testing.T) {
	for _, width := range []string{"1280 px", "375 px"} {
		t.Run("1 create a partnership at "+width, taskCreatePartnership)
		t.Run("2 edit published Valjevo at "+width, taskEditValjevo)
		t.Run("3 find, check and export the 1975 charter at "+width, taskArchivist)
		t.Run("4 create and revoke a token at "+width, taskToken)
		t.Run("5 bad input at "+width, taskBadInput)
	}
	for _, k := range []string{"create a partnership", "edit Valjevo", "archivist", "token", "bad input"} {
		t.Logf("steps: %-22s %3d at 1280 px, %3d at 375 px", k, taskSteps[k], taskSteps[k+" (375 px)"])
	}
}

// An editor creates a German partnership in Slovenian and English: the
// country typed as "Nemčija", a summary with a bold word and a link, a
// charter and a crest from the library; schedules its publication, makes
// a preview link and opens it as the recipient would, then publishes.
func taskCreatePartnership(t *testing.T) {
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	charterTitle := fmt.Sprintf("Listina o pobratenju z Weilheimom %d", n)
	crestTitle := fmt.Sprintf("Grb Weilheima %d", n)
	charter := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("charter", charterTitle), "listina-weilheim.pdf", "application/pdf", apitest.PDFBytes(charterTitle, 4000)), 201).Map(t)
	crestMeta := apitest.DocMeta("crest", crestTitle) // described in the library: a crest is published with its alt text
	crestMeta["alt"] = map[string]string{"sl": "Grb mesta Weilheim", "en": "Coat of arms of Weilheim"}
	crest := apitest.Expect(t, s.Upload(t, apitest.AdminToken, crestMeta, "grb-weilheim.png", "image/png", pngBytes(t, n)), 201).Map(t)
	slug := fmt.Sprintf("weilheim-%d", n)

	p := newPerson(t, "create a partnership", "Urška Urednica", "editor")
	p.screen("dashboard")
	p.click("link", "Partnerstva", "")
	p.waitFor("link", "Nova partnerska občina", "")
	p.screen("partnerships")
	p.click("link", "Nova partnerska občina", "")
	p.waitFor("button", "Shrani", "")
	p.fill("Ime", "SL", "Weilheim")
	var made string
	p.eval(`document.querySelector(`+quote(p.field("Oznaka (slug)", ""))+`).value`, &made)
	if made != "weilheim" {
		t.Errorf("the slug made from the name is %q", made)
	}
	// Each run's Weilheim needs its own slug: typed over the one made.
	p.fill("Oznaka (slug)", "", slug)
	p.fill("Država", "", "Nemčija")
	p.waitText("Nemčija (DE)")
	// The summary: a bold word chosen with the mouse on the toolbar, a link with its dialog.
	p.click("textbox", "Povzetek", "SL")
	p.write("Sodelujemo na področju kulture")
	p.key("Ctrl+Shift+←", kb.ArrowLeft, input.ModifierCtrl|input.ModifierShift)
	p.click("button", "Krepko", "Povzetek")
	p.key("End", kb.End, 0)
	p.click("button", "Krepko", "Povzetek")
	p.write(" in športa. Več na spletni strani")
	p.key("Ctrl+Shift+←", kb.ArrowLeft, input.ModifierCtrl|input.ModifierShift)
	p.click("button", "Povezava", "Povzetek")
	p.waitFor("textbox", "Naslov povezave", "")
	p.screen("link dialog")
	p.fill("Naslov povezave", "", "https://www.weilheim.de/")
	p.enter()
	p.waitJS(`!document.querySelector("dialog[open]")`)
	p.click("tab", "EN", "")
	p.fill("Ime", "EN", "Weilheim")
	p.click("textbox", "Povzetek", "EN")
	p.write("Cooperation in culture and sport.")
	// The charter with its agreement, picked by title from the document list.
	p.click("button", "Dodaj sporazum", "")
	p.choose("Dokument", "Sporazum 1", charterTitle)
	p.fill("Naslov", "Sporazum 1", "Twinning charter")
	p.click("tab", "SL", "")
	p.fill("Naslov", "Sporazum 1", "Listina o pobratenju")
	// The crest from the media library's cards, found by typing its title.
	p.click("button", "Izberi iz knjižnice: Grb", "")
	p.fill("Iskanje po naslovu, letu, imenu datoteke ali partnerstvu", "", crestTitle)
	p.click("button", "Izberi: "+crestTitle, "")
	p.waitJS(`!document.querySelector("dialog[open]")`)
	if note := p.visibleText(); strings.Contains(note, "nima nadomestnega besedila") {
		t.Errorf("a crest with alt text in sl and en is said to lack it")
	}
	p.screen("new partnership, filled in")
	p.click("button", "Shrani", "")
	p.waitText("Osnutek · Različica 1")
	var id string
	p.eval(`location.hash.split("/")[2]`, &id)
	t.Cleanup(func() { archivePartnership(t, id) })

	// Schedule the publication for 1 July next year, 09:30 in Ljubljana,
	// typed into the date and time field as Chromium's en-US form asks:
	// month, day, year, Tab, hours, minutes, AM.
	year := time.Now().Year() + 1
	p.fill("Datum in čas", "Načrtovane objave", fmt.Sprintf("0701%d\t0930A", year))
	p.click("button", "Načrtuj", "")
	p.waitText("Objava različice 1")
	p.waitText("čaka")
	// A preview link, copied and opened by the one it is sent to.
	p.click("button", "Ustvari povezavo za predogled", "")
	p.waitFor("textbox", "Povezava za predogled", "")
	var link string
	p.eval(`document.querySelector(`+quote(p.find("textbox", "Povezava za predogled", ""))+`).value`, &link)
	p.click("button", "Kopiraj", "Povezave za predogled")
	p.screen("saved partnership with its schedule and preview link")
	mayor := &person{ui: p.tab(), task: p.task, phone: p.phone}
	mayor.size(p.phone)
	mayor.step("paste the link into another browser's address bar and press Enter")
	mayor.run(chromedp.Navigate(link))
	mayor.waitText("Osnutek — predogled")
	mayor.waitText("Weilheim")
	mayor.screen("preview link opened")
	p.steps += mayor.steps
	p.click("button", "Objavi", "")
	p.waitText("Objavljeno · Različica")
	p.finish("create-partnership")

	// The API: stored as typed, cleaned, scheduled, previewable, published.
	rec := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	partner := rec["partner"].(map[string]any)
	if partner["country"] != "DE" || rec["slug"] != slug || rec["status"] != "published" {
		t.Errorf("stored: country %v, slug %v, status %v", partner["country"], rec["slug"], rec["status"])
	}
	if names := partner["name"].(map[string]any); names["sl"] != "Weilheim" || names["en"] != "Weilheim" {
		t.Errorf("names %v", names)
	}
	sum := rec["summary"].(map[string]any)
	want := `<p>Sodelujemo na področju <strong>kulture</strong> in športa. Več na spletni <a href="https://www.weilheim.de/" rel="nofollow">strani</a></p>`
	if sum["sl"] != want && sum["sl"] != strings.Replace(want, ` rel="nofollow"`, "", 1) {
		t.Errorf("Slovenian summary\n%v\nwant\n%s", sum["sl"], want)
	}
	if sum["en"] != "<p>Cooperation in culture and sport.</p>" {
		t.Errorf("English summary %v", sum["en"])
	}
	if rec["crest_id"] != crest["id"] {
		t.Errorf("crest %v, want %v", rec["crest_id"], crest["id"])
	}
	ags := rec["agreements"].([]any)
	if len(ags) != 1 || ags[0].(map[string]any)["document_id"] != charter["id"] || ags[0].(map[string]any)["title"].(map[string]any)["sl"] != "Listina o pobratenju" {
		t.Errorf("agreements %v", ags)
	}
	var at string
	for _, it := range apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/schedules?resource=partnership&status=pending&per_page=100", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any) {
		if m := it.(map[string]any); m["resource_id"] == id && m["action"] == "publish" {
			at = m["at"].(string)
			t.Cleanup(func() {
				s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/schedules/" + m["id"].(string), Token: apitest.AdminToken})
			})
		}
	}
	lj, _ := time.LoadLocation("Europe/Ljubljana")
	if got, err := time.Parse(time.RFC3339, at); err != nil || !got.Equal(time.Date(year, 7, 1, 9, 30, 0, 0, lj)) {
		t.Errorf("scheduled at %q", at)
	}
	u, _ := url.Parse(link)
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/public/preview?token=" + url.QueryEscape(u.Query().Get("token"))}), 200)
	pub := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/public/partnerships/" + slug + "?locale=sl"}), 200).Map(t)
	if !strings.Contains(fmt.Sprint(pub["summary"]), "<strong>kulture</strong>") {
		t.Errorf("the public page shows %v", pub["summary"])
	}
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

// An editor finds published Valjevo, adds words to its summary, saves,
// and reads the draft compared with what is published.
func taskEditValjevo(t *testing.T) {
	s := apitest.Shared(t)
	p := newPerson(t, "edit Valjevo", "Ana Urednica", "editor")
	p.click("link", "Partnerstva", "")
	p.waitFor("textbox", "Iskanje", "")
	p.fill("Iskanje", "", "Valjevo")
	p.waitJS(`location.hash.includes("q=Valjevo")`)
	p.waitFor("link", "Valjevo", "Partnerstva")
	p.screen("partnerships searched")
	p.click("link", "Valjevo", "Partnerstva")
	p.waitFor("textbox", "Povzetek", "SL")
	var id string
	p.eval(`location.hash.split("/")[2]`, &id)
	t.Cleanup(func() {
		cur := s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}).Map(t)
		if cur["has_unpublished_changes"] == true {
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/discard-draft", Token: apitest.AdminToken,
				Headers: apitest.IfMatch(cur["version"])}), 200)
		}
	})
	p.screen("Valjevo")
	p.click("textbox", "Povzetek", "SL")
	p.key("Ctrl+End", kb.End, input.ModifierCtrl)
	p.write(" Sodelujeta tudi glasbeni šoli.")
	p.click("button", "Shrani", "")
	p.waitText("Objavljeno · neobjavljene spremembe")
	p.waitText("Neobjavljene spremembe glede na objavljeno različico")
	p.screen("Valjevo with a draft")
	table := p.find("table", "Neobjavljene spremembe", "")
	var diff, added string
	p.eval(`document.querySelector(`+quote(table)+`).innerText`, &diff)
	p.eval(`[...document.querySelector(`+quote(table)+`).querySelectorAll("ins")].map(e => e.textContent).join("|")`, &added)
	if !strings.Contains(diff, "Povzetek (SL)") || strings.TrimSpace(added) != "Sodelujeta tudi glasbeni šoli." {
		t.Errorf("the draft's diff reads %q, marks %q as added", diff, added)
	}
	p.finish("edit-valjevo")

	rec := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if rec["slug"] != "valjevo" || rec["status"] != "published" || rec["has_unpublished_changes"] != true {
		t.Fatalf("Valjevo after the edit: %v %v %v", rec["slug"], rec["status"], rec["has_unpublished_changes"])
	}
	d := apitest.Expect(t, s.Do(t, apitest.Req{Path: fmt.Sprintf("/api/v1/partnerships/%s/versions/%v/diff?against=published", id, rec["version"]), Token: apitest.AdminToken}), 200)
	if b := string(d.Body); !strings.Contains(b, "/summary/sl") || !strings.Contains(b, "glasbeni šoli") {
		t.Errorf("the draft's diff on the API: %s", b)
	}
	if pub := publicSummary(t, "valjevo"); strings.Contains(pub, "glasbeni") {
		t.Errorf("the public page shows the draft: %s", pub)
	}
}

// An archivist types "Valjevo 1975", opens Valjevo's charter, checks its
// fixity, goes back to the search and downloads Valjevo's BagIt package.
func taskArchivist(t *testing.T) {
	s := apitest.Shared(t)
	p := newPerson(t, "archivist", "Mojca Arhivarka", "archivist")
	p.screen("dashboard")
	p.click("link", "Arhiv", "")
	p.waitFor("textbox", "Iskanje", "Iskanje po arhivu")
	p.fill("Iskanje", "Iskanje po arhivu", "Valjevo 1975")
	p.enter()
	p.waitJS(`location.hash.includes("q=Valjevo")`)
	// Other charters of this title (and other Valjevos) may be found too:
	// the person picks the row whose partnership reads Valjevo, year 1975.
	p.waitFor("link", "Listina o pobratenju", "row:Valjevo|1975")
	p.screen("archive search")
	p.click("link", "Listina o pobratenju", "row:Valjevo|1975")
	p.waitFor("button", "Preveri celovitost", "")
	var id string
	p.eval(`location.hash.split("/")[2]`, &id)
	if facts := p.visibleText(); !strings.Contains(facts, "Valjevo") {
		t.Fatalf("the charter opened is not Valjevo's: %s", facts)
	}
	p.click("button", "Preveri celovitost", "")
	p.waitText("Celovitost potrjena")
	p.screen("charter with its fixity checked")
	p.click("link", "← Nazaj", "")
	p.waitFor("button", "Prenesi paket BagIt", "")
	p.choose("Partnerstvo", "Prenesi paket BagIt", "Valjevo")
	p.click("button", "Prenesi paket BagIt", "Prenesi paket BagIt")
	p.waitText("Prenos paketa BagIt za Valjevo se je začel: valjevo-bag.zip")
	path := p.waitFile("valjevo-bag.zip")
	p.finish("archivist")

	// The API: a fixity_ok event by this archivist; the bag verifies.
	doc := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/archive/documents/" + id, Token: apitest.AdminToken}), 200).Map(t)
	var ok bool
	for _, e := range doc["events"].([]any) {
		ev := e.(map[string]any)
		if ev["type"] == "fixity_ok" && strings.Contains(fmt.Sprint(ev["who"]), "Mojca Arhivarka") {
			ok = true
		}
	}
	if !ok {
		t.Errorf("no fixity_ok by Mojca Arhivarka among %v", doc["events"])
	}
	var data []byte
	for i := 0; i < 50; i++ { // the download may still be written
		data, _ = os.ReadFile(path)
		if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("bag %s: %v", filepath.Base(path), err)
	}
	fsys, err := bagit.OpenZip(zr, int64(len(data)), bagit.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	root, found := bagit.Root(fsys)
	if !found {
		t.Fatal("the zip holds no bag")
	}
	files, err := bagit.Verify(context.Background(), root, bagit.Options{})
	if err != nil {
		t.Fatalf("the bag does not verify: %v", err)
	}
	sha := doc["document"].(map[string]any)["file"].(map[string]any)["sha256"]
	var has bool
	for _, f := range files {
		has = has || f.SHA256 == sha
	}
	if !has {
		t.Errorf("the bag's %d files lack the charter (%v)", len(files), sha)
	}
}

// An admin creates a token for the website, sees its secret once, then
// revokes it after confirming: the secret leaves the screen and stops working.
func taskToken(t *testing.T) {
	s := apitest.Shared(t)
	p := newPerson(t, "token", "Boris Skrbnik", "admin")
	p.click("link", "Žetoni", "")
	p.waitFor("textbox", "Ime žetona", "")
	p.screen("tokens")
	p.fill("Ime žetona", "", "Spletna stran občine")
	p.choose("Vloga", "", "Urednik")
	p.click("button", "Ustvari", "")
	p.waitText("Skrivnost je prikazana samo enkrat")
	var secret string
	p.eval(`(document.querySelector("output") || {}).textContent || ""`, &secret)
	if !strings.HasPrefix(secret, "tcms_") || !strings.Contains(p.visibleText(), secret) {
		t.Fatalf("the secret shown: %q", secret)
	}
	var left string
	p.eval(`document.querySelector(`+quote(p.field("Ime žetona", ""))+`).value`, &left)
	if left != "" {
		t.Errorf("after creating the token its name box still holds %q", left)
	}
	p.click("button", "Kopiraj", "")
	p.screen("token created")
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Token: secret}), 200)
	p.click("button", "Prekliči žeton", "Spletna stran občine")
	p.waitFor("dialog", "Potrditev", "")
	if q := p.visibleText(); !strings.Contains(q, "Spletna stran občine") {
		t.Errorf("the confirmation does not name the token: %s", q)
	}
	p.screen("revoke confirmation")
	p.click("button", "Prekliči žeton", "")
	p.waitJS(`!document.querySelector("dialog[open]")`)
	p.waitText("Žeton je preklican")
	if strings.Contains(p.visibleText(), "Spletna stran občine") {
		t.Error("the revoked token is still listed")
	}
	var shown bool
	p.eval(`document.body.innerHTML.includes(`+quote(secret)+`)`, &shown)
	if shown {
		t.Error("the revoked secret is still on the page")
	}
	p.finish("token")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Token: secret}), 401, "unauthorized")
}

// sloveneOnly matches words an English or technical message would show.
var notSlovene = regexp.MustCompile(`(?i)\b(must|invalid|required|should|field|value|not a|json|integer|pattern)\b|/[a-z_]+/`)

// An editor fills a new partnership badly and saves: every error shows
// beside its field in Slovenian, and what was typed stays.
func taskBadInput(t *testing.T) {
	s := apitest.Shared(t)
	undescribed := fmt.Sprintf("Grb brez opisa %d", time.Now().UnixNano()%1e9)
	meta := apitest.DocMeta("crest", undescribed)
	delete(meta, "alt")
	apitest.Expect(t, s.Upload(t, apitest.AdminToken, meta, "grb-brez-opisa.png", "image/png", pngBytes(t, time.Now().UnixNano())), 201)
	before := apitest.PartnershipTotal(t, s, apitest.AdminToken)
	p := newPerson(t, "bad input", "Peter Urednik", "editor")
	p.click("link", "Partnerstva", "")
	p.click("link", "Nova partnerska občina", "")
	p.waitFor("button", "Shrani", "")
	typed := map[string]string{"Oznaka (slug)": "Nova Gorica", "Država": "Atlantida", "Spletna stran": "www.nova-gorica"}
	for _, label := range []string{"Oznaka (slug)", "Država", "Spletna stran"} {
		p.fill(label, "", typed[label])
	}
	p.click("button", "Dodaj sporazum", "")
	p.fill("Leto", "Sporazum 1", "1800")
	p.fill("Vrstni red na strani", "", "deseti")
	p.click("button", "Shrani", "")
	p.waitJS(`document.querySelector("[aria-invalid=true]")`)
	p.screen("errors beside the fields")
	check := func(label, within, value, want string) {
		sel := p.field(label, within)
		var f struct {
			Invalid, Message, Value string
		}
		p.eval(`(() => { const e = document.querySelector(`+quote(sel)+`);
		  return { invalid: e.getAttribute("aria-invalid") || "", value: e.value === undefined ? e.textContent : e.value,
		    message: (e.getAttribute("aria-describedby") || "").split(" ").map(id => document.getElementById(id)).filter(x => x && x.classList.contains("field-error") || x && /-error$/.test(x.id)).map(x => x.innerText).join(" ") }; })()`, &f)
		switch {
		case f.Invalid != "true" || f.Message == "":
			t.Errorf("%q: aria-invalid %q, message %q", label, f.Invalid, f.Message)
		case !strings.Contains(f.Message, want):
			t.Errorf("%q: the message %q does not say %q", label, f.Message, want)
		case notSlovene.MatchString(f.Message):
			t.Errorf("%q: the message %q is not in Slovenian words", label, f.Message)
		default:
			t.Logf("%q: %s", label, f.Message)
		}
		if value != "" && !strings.HasPrefix(f.Value, value) {
			t.Errorf("%q now holds %q, typed %q", label, f.Value, value)
		}
	}
	check("Oznaka (slug)", "", typed["Oznaka (slug)"], "male črke brez šumnikov")
	check("Država", "", typed["Država"], "Izberite državo s seznama")
	check("Spletna stran", "", typed["Spletna stran"], "https://")
	check("Ime", "SL", "", "obvezno")
	check("Leto", "Sporazum 1", "1800", fmt.Sprintf("od 1900 do %d", time.Now().Year()))
	// Letters in a number field stay as typed and are named with the rest.
	check("Vrstni red na strani", "", "deseti", "celo število")
	// The summary reads in the form's order, whatever order the server named them in.
	var inOrder bool
	p.eval(`(() => { const c = [...document.querySelectorAll(".error-summary a")].map(a => document.getElementById(a.dataset.for));
	  return c.length > 3 && c.every((e, i) => i === 0 || (c[i-1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)); })()`, &inOrder)
	if !inOrder {
		t.Error("the error summary does not list the fields in the form's order")
	}
	// A crest without alt text is said beside the field before publishing is refused.
	p.fill("Ime", "SL", "Nova Gorica")
	p.choose("Grb", "", undescribed)
	var note string
	p.eval(`(() => { const e = document.querySelector(`+quote(p.find("combobox", "Grb", ""))+`);
	  return e.getAttribute("aria-describedby").split(" ").map(id => document.getElementById(id).innerText).join(" "); })()`, &note)
	if !strings.Contains(note, "nima nadomestnega besedila (alt) v jeziku: SL") {
		t.Errorf("beside the crest without alt text: %q", note)
	}
	p.screen("a crest without alt text")
	p.finish("bad-input")
	if after := apitest.PartnershipTotal(t, s, apitest.AdminToken); after != before {
		t.Errorf("bad input stored something: %d partnerships, was %d", after, before)
	}
}
