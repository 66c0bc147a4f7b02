//go:build browser

package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// createBlock makes a draft block through the API and returns its id and version.
func createBlock(t *testing.T, key, title string) (string, int) {
	s := apitest.Shared(t)
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: apitest.AdminToken, Body: map[string]any{
		"key": key, "title": map[string]string{"sl": title}, "body": map[string]string{"sl": "<p>" + title + "</p>"},
	}}), 201).Map(t)
	return m["id"].(string), int(m["version"].(float64))
}

// statusOf is a record's status on the API.
func statusOf(t *testing.T, kind, id string) string {
	s := apitest.Shared(t)
	return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/" + kind + "/" + id, Token: apitest.AdminToken}), 200).Map(t)["status"].(string)
}

// clickLink follows the link inside scope whose visible text starts with name.
func (u *ui) clickLink(scope, name string) {
	u.t.Helper()
	var ok bool
	u.eval(fmt.Sprintf(`(() => { const a = [...document.querySelectorAll(%q + " a")].find(a => a.textContent.trim().startsWith(%q));
	  if (!a) return false; a.click(); return true; })()`, scope, name), &ok)
	if !ok {
		u.t.Fatalf("no link %q in %s", name, scope)
	}
}

// check ticks the check box whose label (aria-label or <label>) is name.
func (u *ui) check(name string) {
	u.t.Helper()
	var ok bool
	u.eval(fmt.Sprintf(`(() => { const b = [...document.querySelectorAll("input[type=checkbox]")].find(b => b.getAttribute("aria-label") === %q ||
	  (b.labels && [...b.labels].some(l => l.textContent.trim() === %q))); if (!b) return false; b.click(); return true; })()`, name, name), &ok)
	if !ok {
		u.t.Fatalf("no check box %q", name)
	}
}

// An editor sorts the block list by clicking column headers (the order in
// the address, Back returns to it), selects three blocks and publishes
// them with one confirmation; one was changed by someone else meanwhile,
// and the summary names it with the reason in Slovenian while the other
// two are published. Then two are archived together.
func TestBrowserAdminBlockListSortAndBulk(t *testing.T) {
	s := apitest.Shared(t)
	stamp := time.Now().UnixNano() % 1e9
	keys := []string{fmt.Sprintf("skupno-a-%d", stamp), fmt.Sprintf("skupno-b-%d", stamp), fmt.Sprintf("skupno-c-%d", stamp)}
	ids := map[string]string{}
	versions := map[string]int{}
	for _, k := range keys {
		ids[k], versions[k] = createBlock(t, k, "Blok "+k)
	}
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	// Typed into the address bar.
	u.run(chromedp.Navigate(u.base + "/admin/#/blocks"))
	u.waitJS(`document.body.dataset.route === "#/blocks" && document.querySelector("#blocks-list")`)
	var sortState string
	u.eval(`[...document.querySelectorAll("#blocks-list th[aria-sort]")].map(th => th.textContent.replace(/[▲▼↕]/g, "").trim() + "=" + th.getAttribute("aria-sort")).join(",")`, &sortState)
	if sortState != "Ključ=ascending,Stanje=none,Spremenjeno=none" {
		t.Fatalf("column sort states %q", sortState)
	}
	u.clickLink("#blocks-list thead", "Ključ")
	u.waitJS(`location.hash === "#/blocks?sort=-key" && document.querySelector("#blocks-list th[aria-sort=descending]")`)
	var order []string
	u.eval(`[...document.querySelectorAll("#blocks-list tbody tr")].map(tr => tr.dataset.key)`, &order)
	for i := 1; i < len(order); i++ {
		if order[i-1] < order[i] {
			t.Fatalf("descending by key, yet %q comes before %q", order[i-1], order[i])
		}
	}
	u.clickLink("#blocks-list thead", "Spremenjeno")
	u.waitJS(`location.hash === "#/blocks?sort=updated_at" && document.querySelector("#blocks-list th[aria-sort=ascending] a[data-sort=updated_at]")`)
	u.run(chromedp.NavigateBack())
	u.waitJS(`location.hash === "#/blocks?sort=-key" && document.querySelector("#blocks-list th[aria-sort=descending] a[data-sort=key]")`)

	// Select three; the buttons wake up and the count follows.
	if u.text("#bulk-publish") != "Objavi izbrane" {
		t.Fatalf("bulk publish button %q", u.text("#bulk-publish"))
	}
	var disabled bool
	u.eval(`document.querySelector("#bulk-publish").disabled`, &disabled)
	if !disabled {
		t.Fatal("bulk publish is enabled with nothing selected")
	}
	for _, k := range keys {
		u.check("Izberi: " + k)
	}
	if c := u.text(".bulk-count"); c != "Izbranih: 3" {
		t.Fatalf("count %q", c)
	}
	// Someone else edits block b meanwhile.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/blocks/" + ids[keys[1]], Token: apitest.AdminToken,
		Headers: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, versions[keys[1]]), "Content-Type": "application/merge-patch+json"},
		Body:    map[string]any{"title": map[string]string{"sl": "Spremenjeno drugje"}}}), 200)
	u.run(chromedp.Click(`#bulk-publish`))
	u.waitJS(`document.querySelector("dialog[open] #confirm-text")`)
	u.axe("bulk confirmation")
	u.confirm("objaviti 3 zapise")
	u.waitJS(`document.querySelector("#bulk-result") && document.activeElement === document.querySelector("#bulk-result")`)
	if head := u.text("#bulk-result h2"); head != "Objavljeno: uspelo 2 od 3." {
		t.Fatalf("summary %q", head)
	}
	failed := u.text(`#bulk-result li[data-failed]`)
	if !strings.HasPrefix(failed, keys[1]) || !strings.Contains(failed, "nekdo drug je medtem spremenil ta zapis") {
		t.Fatalf("the failed one reads %q", failed)
	}
	if ok := u.text("#bulk-result .ok"); !strings.Contains(ok, keys[0]) || !strings.Contains(ok, keys[2]) {
		t.Fatalf("the succeeded ones read %q", ok)
	}
	for k, want := range map[string]string{keys[0]: "published", keys[1]: "draft", keys[2]: "published"} {
		if got := statusOf(t, "blocks", ids[k]); got != want {
			t.Errorf("%s is %s, want %s", k, got, want)
		}
	}
	// The list kept its order and shows the new statuses.
	u.waitJS(`location.hash === "#/blocks?sort=-key"`)
	u.axe("block list with a bulk summary")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "bulk-blocks-1280")
		u.viewport(375, 800, true)
		u.axe("block list at 375 px")
		u.screenshot(dir, "bulk-blocks-375")
		u.viewport(1280, 900, false)
	}
	// Publishing again: one published block has unpublished changes (a
	// draft) and is published; the other has none, nothing is sent, and the
	// summary says so.
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/blocks/" + ids[keys[0]], Token: apitest.AdminToken}), 200).Map(t)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/blocks/" + ids[keys[0]], Token: apitest.AdminToken,
		Headers: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, int(cur["version"].(float64))), "Content-Type": "application/merge-patch+json"},
		Body:    map[string]any{"title": map[string]string{"sl": "Nov osnutek"}}}), 200)
	u.open("#/blocks?sort=-key")
	u.check("Izberi: " + keys[0])
	u.check("Izberi: " + keys[2])
	u.run(chromedp.Click(`#bulk-publish`))
	u.confirm("objaviti 2 zapisa")
	u.waitJS(`(document.querySelector("#bulk-result h2") || {}).textContent === "Objavljeno: uspelo 2 od 2."`)
	if already := u.text("#bulk-result .already"); already != "Že prej v tem stanju: "+keys[2] {
		t.Fatalf("already published reads %q", already)
	}
	if ok := u.text("#bulk-result .ok"); !strings.Contains(ok, keys[0]) {
		t.Fatalf("the draft of a published block was not published: %q", ok)
	}
	pub := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/blocks/" + ids[keys[0]], Token: apitest.AdminToken}), 200).Map(t)
	if pub["has_unpublished_changes"] != false || pub["status"] != "published" {
		t.Fatalf("after publishing its draft: %v, %v", pub["status"], pub["has_unpublished_changes"])
	}
	// Two archived together: both done, the summary says so.
	u.check("Izberi: " + keys[0])
	u.check("Izberi: " + keys[1])
	u.run(chromedp.Click(`#bulk-archive`))
	u.confirm("arhivirati 2 zapisa")
	u.waitJS(`(document.querySelector("#bulk-result h2") || {}).textContent === "Arhivirano: uspelo 2 od 2."`)
	for _, k := range keys[:2] {
		if got := statusOf(t, "blocks", ids[k]); got != "archived" {
			t.Errorf("%s is %s after archiving", k, got)
		}
	}
}

// The partnership list sorts by country and by status ("Stanje") from the headers
// (Back keeps the order and the search), and publishes then unpublishes
// two partnerships together; the page list sorts and selects the same way.
func TestBrowserAdminPartnershipListSortAndBulk(t *testing.T) {
	s := apitest.Shared(t)
	stamp := time.Now().UnixNano() % 1e9
	a := createPartnership(t, fmt.Sprintf("skupni-a-%d", stamp), fmt.Sprintf("Skupni A %d", stamp))
	b := createPartnership(t, fmt.Sprintf("skupni-b-%d", stamp), fmt.Sprintf("Skupni B %d", stamp))
	t.Cleanup(func() { archivePartnership(t, a); archivePartnership(t, b) })
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.run(chromedp.Navigate(u.base + "/admin/#/partnerships"))
	u.waitJS(`document.querySelector("#partnership-list")`)
	u.clickLink("#partnership-list thead", "Država")
	u.waitJS(`location.hash.includes("sort=country") && document.querySelector("#partnership-list th[aria-sort=ascending] a[data-sort=country]")`)
	var countries []string
	u.eval(`[...document.querySelectorAll("#partnership-list tbody tr")].map(tr => tr.querySelector("td:nth-child(5)").textContent)`, &countries)
	if len(countries) < 3 {
		t.Fatalf("countries %v", countries)
	}
	// Searching keeps the order chosen by the header.
	u.run(chromedp.Click(`input[name="q"]`), chromedp.SendKeys(`input[name="q"]`, fmt.Sprint(stamp)))
	u.waitJS(`location.hash.includes("q=") && location.hash.includes("sort=country") && document.querySelectorAll("#partnership-list tbody tr").length === 2`)
	u.check("Izberi vse na tej strani")
	if c := u.text(".bulk-count"); c != "Izbranih: 2" {
		t.Fatalf("count %q", c)
	}
	u.run(chromedp.Click(`#bulk-publish`))
	u.confirm(fmt.Sprintf("objaviti 2 zapisa: Skupni A %d, Skupni B %d", stamp, stamp))
	u.waitJS(`(document.querySelector("#bulk-result h2") || {}).textContent === "Objavljeno: uspelo 2 od 2."`)
	if statusOf(t, "partnerships", a) != "published" || statusOf(t, "partnerships", b) != "published" {
		t.Fatal("not both published")
	}
	u.waitJS(`location.hash.includes("sort=country") && location.hash.includes("q=")`)
	u.clickLink("#partnership-list thead", "Stanje")
	u.waitJS(`location.hash.includes("sort=status") && document.querySelector("#partnership-list th[aria-sort=ascending] a[data-sort=status]")`)
	u.check("Izberi vse na tej strani")
	u.run(chromedp.Click(`#bulk-unpublish`))
	u.confirm("umakniti objavo 2 zapisa")
	u.waitJS(`(document.querySelector("#bulk-result h2") || {}).textContent === "Objava umaknjena: uspelo 2 od 2."`)
	if statusOf(t, "partnerships", a) != "draft" || statusOf(t, "partnerships", b) != "draft" {
		t.Fatal("not both unpublished")
	}
	u.axe("partnership list after bulk unpublish")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "bulk-partnerships-1280")
		u.viewport(375, 800, true)
		u.axe("partnership list at 375 px")
		u.screenshot(dir, "bulk-partnerships-375")
		u.viewport(1280, 900, false)
	}

	// Pages: the same headers and selection.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: apitest.AdminToken, Body: map[string]any{
		"slug": fmt.Sprintf("skupna-%d", stamp), "title": map[string]string{"sl": "Skupna stran"}, "blocks": []string{}, "partnerships": false}}), 201)
	u.open("#/pages?sort=-slug")
	u.waitJS(`document.querySelector("#pages-list th[aria-sort=descending] a[data-sort=slug]") && document.querySelector("#bulk-archive")`)
	u.axe("page list")
}
