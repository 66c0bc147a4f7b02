//go:build browser

package web_test

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// namedToken is an editor's token with a person's name, as the history shows it.
func namedToken(t *testing.T, name, role string) string {
	s := apitest.Shared(t)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken,
		Body: map[string]string{"name": name, "role": role}}), 201)
	return r.Map(t)["token"].(string)
}

// press scrolls the control to the middle of the screen (where no
// sticky bar is) and clicks it as a mouse would.
func (u *ui) press(sel string) {
	u.t.Helper()
	u.eval(fmt.Sprintf(`document.querySelector(%q).scrollIntoView({block: "center"})`, sel), nil)
	u.run(chromedp.Click(sel, chromedp.NodeVisible))
}

// publicSummary is the published partnership's Slovenian summary as the public API serves it.
func publicSummary(t *testing.T, slug string) string {
	s := apitest.Shared(t)
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug + "?locale=sl"}), 200).Map(t)
	sum, _ := m["summary"].(string)
	return sum
}

// An editor edits published Valjevo: the status line says "Objavljeno ·
// neobjavljene spremembe", the public page keeps the published text, the
// draft's diff marks only the words added inside the paragraph with the
// field named in Slovenian; "Zavrzi osnutek" asks first and restores the
// published text; "Objavi spremembe" publishes the next draft. The
// history names the actions and the person's token by its name.
func TestBrowserAdminDraftControls(t *testing.T) {
	s := apitest.Shared(t)
	slug := fmt.Sprintf("valjevo-osnutek-%d", time.Now().UnixNano()%1e9)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: map[string]any{
		"slug": slug, "relation": "twin", "partner": map[string]any{"name": map[string]string{"sl": "Valjevo", "en": "Valjevo"}, "country": "RS"},
		"summary": map[string]string{"sl": "<p>Pobratenje z Valjevom je bilo sklenjeno leta 1975 na pobudo občanov.</p>", "en": "<p>Twinned since 1975.</p>"},
	}}), 201).Map(t)
	id := r["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: apitest.AdminToken, Headers: map[string]string{"If-Match": `"1"`}}), 200)
	// The demo site's test expects its five partners: this one leaves the public list after the test.
	t.Cleanup(func() {
		cur := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}).Map(t)
		s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken, Headers: map[string]string{"If-Match": fmt.Sprintf(`"%v"`, cur["version"])}})
	})
	published := publicSummary(t, slug)

	u := newBrowser(t)
	u.signIn(namedToken(t, "Ana Novak", "editor"))
	u.run(chromedp.Navigate(u.base + "/admin/#/partnerships/" + id))
	u.waitJS(`document.querySelector("#record-status") && document.querySelector("#versions li")`)
	if st := u.text("#record-status"); !strings.HasPrefix(st, "Objavljeno") || strings.Contains(st, "neobjavljene") {
		t.Fatalf("status line before editing: %q", st)
	}

	// Words added inside the paragraph: the draft.
	u.run(chromedp.Click(`#sl-summary`), chromedp.Evaluate(`(() => { const e = document.querySelector("#sl-summary"); const r = document.createRange();
	  const text = e.querySelector("p").firstChild; r.setStart(text, text.length - 1); r.collapse(true); const s = getSelection(); s.removeAllRanges(); s.addRange(r); })()`, nil))
	u.run(chromedp.SendKeys(`#sl-summary`, " in kulturnih društev"))
	u.press(`#save`)
	u.waitJS(`document.querySelector("#record-status").dataset.draft === "true"`)
	if st := u.text("#record-status"); !strings.Contains(st, "Objavljeno · neobjavljene spremembe") {
		t.Fatalf("status line of a draft: %q", st)
	}
	if got := publicSummary(t, slug); got != published {
		t.Fatalf("the public summary changed before publishing: %q", got)
	}
	u.waitJS(`document.querySelector("#draft-changes table.diff")`)
	if f := u.text(`#draft-changes tbody th`); f != "Povzetek (SL)" {
		t.Fatalf("the draft's diff names the field %q", f)
	}
	if ins := u.text(`#draft-changes td.after ins`); strings.TrimSpace(ins) != "in kulturnih društev" {
		t.Fatalf("the words marked as added: %q", ins)
	}
	var marks int
	u.eval(`document.querySelectorAll("#draft-changes del, #draft-changes ins").length`, &marks)
	if marks != 1 {
		t.Fatalf("%d marks for one insertion inside a paragraph", marks)
	}
	u.axe("draft controls 1280")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "draft-controls-1280")
	}

	// Discard asks, then the published text is back in the form.
	u.press(`#discard-draft`)
	u.confirm("zavreči osnutek")
	u.waitJS(`document.querySelector("#record-status") && document.querySelector("#record-status").dataset.draft === "false"`)
	u.waitJS(`document.querySelector("#sl-summary") && !document.querySelector("#sl-summary").textContent.includes("kulturnih")`)
	if u.text("#draft-changes") != "" {
		t.Fatal("the draft's diff stayed after discarding")
	}

	// A new draft, published with "Objavi spremembe".
	u.run(chromedp.SendKeys(`#website`, "https://www.valjevo.rs"), chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#publish-changes")`)
	u.press(`#publish-changes`)
	u.waitJS(`document.querySelector("#record-status").dataset.draft === "false" && !document.querySelector("#publish-changes")`)
	pub := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug}), 200).Map(t)
	if pub["website"] != "https://www.valjevo.rs" {
		t.Fatalf("published: %v", pub)
	}

	// History: actions and the person in words, no token ids.
	u.waitJS(`document.querySelectorAll("#versions li").length >= 5`)
	hist := u.text("#versions ol")
	for _, want := range []string{"Ustvarjeno", "Objavljeno", "Spremenjen osnutek", "Osnutek zavržen", "žeton »Ana Novak«"} {
		if !strings.Contains(hist, want) {
			t.Errorf("the history lacks %q: %s", want, hist)
		}
	}
	if strings.Contains(hist, "token:") || strings.Contains(hist, "draft_update") {
		t.Errorf("the history shows codes: %s", hist)
	}
}

// An editor schedules a publication for a date and time in
// Europe/Ljubljana, sees it listed, cancels it after a confirmation;
// makes a preview link, which opens the draft, copies it and revokes it
// (asked first): it stops working and leaves the screen. Any two versions
// compare with the fields in Slovenian; a version is restored after a
// confirmation. At 375 px the diff's column headers wrap between words.
func TestBrowserAdminSchedulesPreviewLinksDiff(t *testing.T) {
	s := apitest.Shared(t)
	id := createPartnership(t, fmt.Sprintf("nacrt-ui-%d", time.Now().UnixNano()%1e9), "Načrt UI")
	u := newBrowser(t)
	u.signIn(namedToken(t, "Marko Kos", "editor"))
	u.run(chromedp.Navigate(u.base + "/admin/#/partnerships/" + id))
	u.waitJS(`document.querySelector("#schedule-form") && document.querySelector("#versions li")`)

	// A schedule without a time is refused beside the field, in Slovenian.
	u.press(`#schedule-submit`)
	u.waitJS(`!document.querySelector("#schedule-at-error").hidden`)
	if msg := u.text("#schedule-at-error"); msg != "Vpišite datum in čas." {
		t.Fatalf("no time: %q", msg)
	}
	year := time.Now().Year() + 1
	u.setValue(`#schedule-at`, fmt.Sprintf("%d-07-01T09:30", year))
	u.press(`#schedule-submit`)
	u.waitJS(`document.querySelector("#schedule-list li[data-status=pending]")`)
	row := u.text("#schedule-list li")
	if !strings.Contains(row, "Objava različice 1") || !strings.Contains(row, "09:30") || !strings.Contains(row, "Europe/Ljubljana") || !strings.Contains(row, "čaka") || !strings.Contains(row, "Marko Kos") {
		t.Fatalf("the schedule reads %q", row)
	}
	lj, _ := time.LoadLocation("Europe/Ljubljana")
	list := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/schedules?resource=partnership&status=pending&per_page=100", Token: apitest.AdminToken}), 200).Map(t)
	var at string
	for _, it := range list["items"].([]any) {
		if m := it.(map[string]any); m["resource_id"] == id {
			at = m["at"].(string)
		}
	}
	got, err := time.Parse(time.RFC3339, at)
	if want := time.Date(year, 7, 1, 9, 30, 0, 0, lj); err != nil || !got.Equal(want) {
		t.Fatalf("scheduled at %q, want %v", at, want)
	}
	u.press(`#schedule-list button[data-cancel-schedule]`)
	u.confirm("preklicati načrt")
	u.waitJS(`document.querySelector("#schedule-list li[data-status=cancelled]")`)

	// A preview link: made, opened without an account, revoked.
	u.press(`#create-preview-link`)
	u.waitJS(`document.querySelector("#preview-link-list input")`)
	var link string
	u.eval(`document.querySelector("#preview-link-list input").value`, &link)
	pu, err := url.Parse(link)
	if err != nil || pu.Query().Get("token") == "" {
		t.Fatalf("the preview link %q", link)
	}
	token := pu.Query().Get("token")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/preview?token=" + url.QueryEscape(token)}), 200)
	if c := u.text(`#preview-link-list button[data-copy-link]`); c != "Kopiraj" {
		t.Fatalf("copy button %q", c)
	}
	u.press(`#preview-link-list button[data-revoke-link]`)
	u.confirm("preklicati to povezavo")
	u.waitJS(`!document.querySelector("#preview-link-list li")`)
	var leftover bool
	u.eval(fmt.Sprintf(`document.body.innerHTML.includes(%q)`, token), &leftover)
	if leftover {
		t.Fatal("the revoked link's secret is still on the page")
	}
	if st := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/preview?token=" + url.QueryEscape(token)}).Status; st != 403 {
		t.Fatalf("a revoked link answers %d", st)
	}

	// Two saves, then version 1 against 3 with the words changed.
	u.run(chromedp.SendKeys(`#sl-name`, " ob Savi"), chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)
	u.run(chromedp.SendKeys(`#website`, "https://nacrt.example"), chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").textContent.includes("3") && document.querySelector("#compare-from option[value='3']")`)
	u.setValue(`#compare-from`, "1")
	u.setValue(`#compare-to`, "3")
	u.press(`#compare-versions`)
	u.waitJS(`document.querySelector("#version-diff table.diff")`)
	d := u.text("#version-diff table.diff")
	for _, want := range []string{"Ime (SL)", "Spletna stran", "https://nacrt.example"} {
		if !strings.Contains(d, want) {
			t.Errorf("the diff of 1 and 3 lacks %q: %s", want, d)
		}
	}
	if strings.Contains(d, "partner.name") || strings.Contains(d, "partner.website") {
		t.Errorf("the diff shows technical names: %s", d)
	}
	if ins := u.text(`#version-diff tr[data-path="partner.name.sl"] ins`); strings.TrimSpace(ins) != "ob Savi" {
		t.Errorf("the name's added words: %q", ins)
	}
	u.axe("schedules, links and diff 1280")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "workflow-1280")
	}
	u.viewport(375, 800, true)
	var wrapped string
	u.eval(`(() => { for (const th of document.querySelectorAll("table.diff thead th")) {
	  const words = th.textContent.trim().split(/\s+/).length, lh = parseFloat(getComputedStyle(th).lineHeight) || 24;
	  const pad = parseFloat(getComputedStyle(th).paddingTop) + parseFloat(getComputedStyle(th).paddingBottom);
	  if (Math.round((th.clientHeight - pad) / lh) > words) return th.textContent; } return ""; })()`, &wrapped)
	if wrapped != "" {
		t.Fatalf("at 375 px the header %q wraps inside a word", wrapped)
	}
	var wide bool
	u.eval(`document.documentElement.scrollWidth > innerWidth`, &wide)
	if wide {
		t.Fatal("at 375 px the editor is wider than the screen")
	}
	u.axe("schedules, links and diff 375")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "workflow-375")
	}

	// Restore version 1, asked first.
	u.press(`button[data-version="2"]`)
	u.waitJS(`document.querySelector("#restore-version")`)
	u.press(`#restore-version`)
	u.confirm("različico 2")
	u.waitJS(`document.querySelector("#record-status") && document.querySelector("#record-status").textContent.includes("4")`)
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if w, _ := m["partner"].(map[string]any)["website"].(string); w != "" {
		t.Fatalf("after restoring version 2 the website is %q", w)
	}
	u.waitJS(`document.querySelector("#versions li[data-action=restore]")`)
	if a := u.text(`#versions li[data-action=restore] .action`); a != "Obnovljena starejša različica" {
		t.Fatalf("the restore reads %q in the history", a)
	}
}

// An archivist filters the archive, opens a charter, checks its fixity:
// the events read in words ("Prevzet v hrambo", "Celovitost potrjena")
// with the archivist's token by its name, never fixity_ok or a token id;
// "← Nazaj" returns to the search with its filters.
func TestBrowserAdminArchiveInWords(t *testing.T) {
	u := newBrowser(t)
	u.signIn(namedToken(t, "Mojca Arhivarka", "archivist"))
	// Every document listed at 1280 px: no word in the table is broken.
	u.run(chromedp.Navigate(u.base + "/admin/#/archive"))
	u.waitJS(`document.querySelectorAll("#document-list tbody tr").length > 5`)
	if broken := u.brokenWords("#document-list"); len(broken) > 0 {
		t.Errorf("the archive's table breaks these words at 1280 px: %q", broken)
	}
	search := "#/archive?kind=charter&year_from=1960&year_to=2020"
	u.run(chromedp.Navigate(u.base + "/admin/" + search))
	u.waitJS(`document.querySelector("#document-list tbody a")`)
	var href string
	u.eval(`document.querySelector("#document-list tbody a").getAttribute("href")`, &href)
	u.press(`#document-list tbody a`)
	u.waitJS(fmt.Sprintf(`document.body.dataset.route === %q && document.querySelector("#check-fixity")`, href))
	u.press(`#check-fixity`)
	u.waitJS(`[...document.querySelectorAll("#events li[data-type='fixity_ok'] .actor")].some(a => a.textContent.includes("Mojca Arhivarka"))`)
	events := u.text("#events")
	// Their details too: the type, size and checksum in words, not the record's English line.
	for _, want := range []string{"Prevzet v hrambo", "Celovitost potrjena", "žeton »Mojca Arhivarka«", ", iz datoteke »", "se ujema z zapisanim: "} {
		if !strings.Contains(events, want) {
			t.Errorf("the events lack %q: %s", want, events)
		}
	}
	for _, raw := range []string{"fixity_ok", "ingested", "token:", "fixity-audit", " bytes", "sha256 ", "from \"", "changed:", "identified"} {
		if strings.Contains(events, raw) {
			t.Errorf("the events show %q: %s", raw, events)
		}
	}
	u.axe("archive document 1280")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "archive-events-1280")
	}
	u.viewport(375, 800, true)
	u.axe("archive document 375")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "archive-events-375")
	}
	u.press(`#archive-back`)
	u.waitJS(fmt.Sprintf(`document.body.dataset.route === %q && document.querySelector("#archive-search")`, search))
	var kept string
	u.eval(`["kind", "year_from", "year_to"].map(n => document.querySelector("#archive-search [name=" + n + "]").value).join(",")`, &kept)
	if kept != "charter,1960,2020" {
		t.Fatalf("back at the search the filters are %q", kept)
	}
}

// An archivist types "Valjevo 1975" into the archive's search box: the
// full-text search finds Valjevo's charter, and the address keeps the words.
func TestBrowserAdminArchiveFullText(t *testing.T) {
	u := newBrowser(t)
	u.signIn(namedToken(t, "Iskalka Arhiva", "archivist"))
	u.run(chromedp.Navigate(u.base + "/admin/#/archive"))
	u.waitJS(`document.querySelector("#archive-search input[name=q]")`)
	u.run(chromedp.SendKeys(`#archive-search input[name=q]`, "Valjevo 1975"), chromedp.KeyEvent("\r"))
	u.waitJS(`location.hash.includes("q=Valjevo") && document.querySelector("#document-list tbody tr")`)
	rows := u.text("#document-list tbody")
	if !strings.Contains(rows, "Listina o pobratenju") {
		t.Fatalf("\"Valjevo 1975\" finds: %s", rows)
	}
	// Other tests store more Valjevo charters and Trbovlje's has the same title:
	// the demo Valjevo's charter (its agreement's document) must be among the hits.
	s := apitest.Shared(t)
	var charter string
	for _, p := range apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?per_page=100", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any) {
		if m := p.(map[string]any); m["slug"] == "valjevo" {
			for _, a := range m["agreements"].([]any) {
				if d, _ := a.(map[string]any)["document_id"].(string); d != "" && charter == "" {
					charter = d
				}
			}
		}
	}
	first := "#/archive/" + charter
	u.waitJS(fmt.Sprintf(`document.querySelector('#document-list tbody a[href=%q]')`, first))
	u.eval(fmt.Sprintf(`document.querySelector('#document-list tbody a[href=%q]').scrollIntoView({block: "center"})`, first), nil)
	u.run(chromedp.Click(fmt.Sprintf(`#document-list tbody a[href=%q]`, first), chromedp.NodeVisible))
	u.waitJS(fmt.Sprintf(`document.body.dataset.route === %q && document.querySelector("#file-facts")`, first))
	if name := u.text("#file-facts"); !strings.Contains(name, "Valjevo") {
		t.Fatalf("the charter found for \"Valjevo 1975\" (%s) is not Valjevo's: %s", first, name)
	}
	u.waitJS(fmt.Sprintf(`document.body.dataset.route === %q && document.querySelector("#archive-back")`, first))
	u.press(`#archive-back`)
	u.waitJS(`(document.querySelector("#archive-search input[name=q]") || {}).value === "Valjevo 1975"`)
}

// A publication scheduled for version 1, then version 3 published by
// hand: the schedule says it would put older content back. A published
// record with a draft waits on the dashboard and reads so in its list.
func TestBrowserAdminStaleScheduleAndWaitingChanges(t *testing.T) {
	s := apitest.Shared(t)
	ed := namedToken(t, "Vesna Urednica", "editor")
	rec := apitest.Create(t, s, ed, apitest.MinimalPartnership("zastarel-nacrt", "Zastarel načrt"))
	path := apitest.PartnershipPath(rec)
	s.RemoveAtEnd(t, path) // published: the demo site's partner list is counted by other tests
	at := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/schedule", Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"action": "publish", "at": at, "version": 1}}), 201)
	apitest.PatchTo(t, s, ed, path, 1, map[string]any{"summary": map[string]string{"sl": "Nova vsebina"}})
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.PatchTo(t, s, ed, path, 3, map[string]any{"summary": map[string]string{"sl": "Še novejša vsebina"}})

	u := newBrowser(t)
	u.signIn(ed)
	u.open("#/partnerships/" + rec["id"].(string))
	u.waitJS(`document.querySelector("#schedule-list li[data-status=pending]")`)
	if warn := u.text("#schedule-list .stale-schedule"); !strings.Contains(warn, "objavljena je novejša različica 3") {
		t.Errorf("the schedule of version 1 says %q", warn)
	}
	u.open("#/dashboard")
	u.waitJS(`document.querySelector("#drafts")`)
	if d := u.text("#drafts"); !strings.Contains(d, "Zastarel načrt") || !strings.Contains(d, "neobjavljene spremembe") {
		t.Errorf("the dashboard's waiting drafts: %q", d)
	}
	u.open("#/partnerships?q=zastarel")
	u.waitJS(`document.querySelector("#partnership-list tbody tr, table.list tbody tr")`)
	if row := u.text("table.list tbody"); !strings.Contains(row, "Objavljeno · neobjavljene spremembe") {
		t.Errorf("the list's status: %q", row)
	}
	u.axe("dashboard with waiting changes")
}
