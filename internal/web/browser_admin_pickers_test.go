//go:build browser

package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// An editor creates a partnership typing the country's Slovenian name,
// "Nemčija": the field says it means Germany (DE), and DE is stored; the
// list names the country in Slovenian. The new partnership comes last in
// page order.
func TestBrowserAdminCountryByName(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/partnerships/new")
	// Typed as a keyboard with č would (chromedp's SendKeys drops letters
	// outside ASCII; InsertText is what an input method sends).
	u.run(chromedp.SendKeys(`#slug`, "nemcija-ui"), chromedp.Focus(`#sl-name`), input.InsertText("Nemško mesto"),
		chromedp.Focus(`#country`), input.InsertText("Nemčija"))
	u.waitJS(`document.querySelector("#country-hint").dataset.code === "DE"`)
	if hint := u.text("#country-hint"); !strings.Contains(hint, "Nemčija (DE)") {
		t.Fatalf("the hint says %q", hint)
	}
	u.axe("country picker")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "country-picker-1280")
	}
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").dataset.status === "draft"`)
	var id string
	u.eval(`location.hash.split("/")[2]`, &id)
	got := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}).Map(t)
	if c := got["partner"].(map[string]any)["country"]; c != "DE" {
		t.Fatalf("stored country %v", c)
	}
	// A new record lands last in page order, below Valjevo and the rest.
	all := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?per_page=100&sort=sort", Token: apitest.AdminToken}).Map(t)
	for _, it := range all["items"].([]any) {
		p := it.(map[string]any)
		if p["id"] != id && p["sort"].(float64) >= got["sort"].(float64) {
			t.Errorf("the new partnership's order %v is not after %s's %v", got["sort"], p["slug"], p["sort"])
		}
	}
	u.open("#/partnerships?q=Nem%C5%A1ko")
	u.waitJS(`document.querySelector("#partnership-list tr[data-slug='nemcija-ui']")`)
	if row := u.text(`#partnership-list tr[data-slug='nemcija-ui']`); !strings.Contains(row, "Nemčija") {
		t.Fatalf("list row %q", row)
	}
	// Typing a code or an English name works too.
	u.open("#/partnerships/" + id)
	u.setValue(`#country`, "Austria")
	u.waitJS(`document.querySelector("#country-hint").dataset.code === "AT"`)
	u.setValue(`#country`, "hr")
	u.waitJS(`document.querySelector("#country-hint").dataset.code === "HR"`)
}

// An editor types into the list's search box: the list follows without a
// button, the address keeps the search, the box keeps the focus; a list
// longer than a page has pages (here 2 a page), and Back from a record
// returns to the same page of the same search.
func TestBrowserAdminListSearchAndPages(t *testing.T) {
	s := apitest.Shared(t)
	for _, slug := range []string{"stranjsko-a", "stranjsko-b", "stranjsko-c"} {
		createPartnership(t, slug, "Stranjsko "+slug[len(slug)-1:])
	}
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/partnerships?per_page=2")
	u.run(chromedp.Click(`input[name="q"]`), chromedp.SendKeys(`input[name="q"]`, "Stranjsko"))
	// The address changes before the list is drawn again: wait for the searched list's pager.
	u.waitJS(`location.hash.includes("q=Stranjsko") && document.querySelectorAll("#partnership-list tbody tr").length === 2 && (document.querySelector(".pager") || {}).textContent.includes("od 2")`)
	var focused string
	u.eval(`document.activeElement.name + "=" + document.activeElement.value`, &focused)
	if focused != "q=Stranjsko" {
		t.Fatalf("after the list followed the search, the focus is on %q", focused)
	}
	if p := u.text(".pager"); !strings.Contains(p, "Stran 1 od 2") {
		t.Fatalf("pager %q", p)
	}
	u.run(chromedp.Click(`.pager a[rel="next"]`))
	u.waitJS(`location.hash.includes("page=2") && document.querySelectorAll("#partnership-list tbody tr").length === 1`)
	u.axe("list page 2")
	u.run(chromedp.Click(`#partnership-list tbody a`))
	u.waitJS(`document.querySelector("#record-form")`)
	u.run(chromedp.NavigateBack())
	u.waitJS(`location.hash.includes("page=2") && location.hash.includes("q=Stranjsko") && (document.querySelector('input[name="q"]') || {}).value === "Stranjsko"`)
}
