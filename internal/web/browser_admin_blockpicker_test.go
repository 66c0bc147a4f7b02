//go:build browser

package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jesenice/twincms/internal/apitest"
)

// drag presses the mouse on from, moves it in steps to dy pixels below
// to's middle, and lets go, as a hand with a mouse does.
func (u *ui) drag(from, to string, dy float64) {
	u.t.Helper()
	var xy []float64
	u.eval(fmt.Sprintf(`(() => { const f = document.querySelector(%q), t = document.querySelector(%q); f.scrollIntoView({block: "center"});
	  const a = f.getBoundingClientRect(), b = t.getBoundingClientRect(); return [a.left + a.width / 2, a.top + a.height / 2, b.top + b.height / 2]; })()`, from, to), &xy)
	x, y, ty := xy[0], xy[1], xy[2]+dy
	acts := []chromedp.Action{
		input.DispatchMouseEvent(input.MouseMoved, x, y),
		input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithButtons(1).WithClickCount(1),
	}
	for i := 1; i <= 8; i++ {
		acts = append(acts, input.DispatchMouseEvent(input.MouseMoved, x, y+(ty-y)*float64(i)/8).WithButton(input.Left).WithButtons(1))
	}
	acts = append(acts, input.DispatchMouseEvent(input.MouseReleased, x, ty).WithButton(input.Left).WithClickCount(1))
	u.run(acts...)
}

// blockOrder is the page's block keys as the picker shows them.
func (u *ui) blockOrder() string {
	u.t.Helper()
	var keys []string
	u.eval(`[...document.querySelectorAll("#page-blocks-list li[data-key]")].map(li => li.dataset.key)`, &keys)
	return strings.Join(keys, ",")
}

// An editor builds a page from blocks chosen by title (no keys typed),
// orders them with the keyboard (a move button, the arrow keys on a row's
// handle) and by dragging with the mouse, and saves: the page stores the
// keys in that order. In a partnership, two documents titled "Listina o
// pobratenju" are told apart by kind, year, file name, size and partnership.
func TestBrowserAdminPickersForBlocksAndDocuments(t *testing.T) {
	s := apitest.Shared(t)
	stamp := time.Now().UnixNano() % 1e9
	titles := map[string]string{}
	var keys []string
	for _, name := range []string{"Uvod", "Zgodovina", "Kontakti"} {
		k := fmt.Sprintf("izbira-%s-%d", strings.ToLower(name), stamp)
		titles[k] = fmt.Sprintf("%s %d", name, stamp)
		createBlock(t, k, titles[k])
		keys = append(keys, k)
	}
	uvod, zgod, kont := keys[0], keys[1], keys[2]
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.run(chromedp.Navigate(u.base + "/admin/#/pages/new"))
	u.waitJS(`document.querySelector("#page-block-add")`)
	if l := u.text(`label[for="page-block-add"]`); l != "Dodaj blok" {
		t.Fatalf("the add field is labelled %q", l)
	}
	u.run(chromedp.SendKeys(`#page-slug`, fmt.Sprintf("izbira-%d", stamp)), chromedp.SendKeys(`#panel-sl input`, "Izbrani bloki"))
	// Chosen by title from the list; each added one leaves the list.
	for _, k := range keys {
		var value string
		u.eval(fmt.Sprintf(`[...document.querySelectorAll("#page-block-add option")].find(o => o.textContent.startsWith(%q)).value`, titles[k]), &value)
		u.setValue(`#page-block-add`, value)
		u.run(chromedp.Click(`#page-block-add-button`))
	}
	if got := u.blockOrder(); got != uvod+","+zgod+","+kont {
		t.Fatalf("after adding: %s", got)
	}
	if shown := u.text(`#page-blocks-list li[data-key="` + uvod + `"] strong`); shown != titles[uvod] {
		t.Fatalf("the row shows %q, not the title", shown)
	}
	// Keyboard: "Premakni gor: Kontakti" with Enter; the focus stays on it.
	u.run(chromedp.Focus(fmt.Sprintf(`button[aria-label="Premakni gor: %s"]`, titles[kont])), chromedp.KeyEvent(kb.Enter))
	u.waitJS(fmt.Sprintf(`document.activeElement.getAttribute("aria-label") === "Premakni gor: %s"`, titles[kont]))
	if got := u.blockOrder(); got != uvod+","+kont+","+zgod {
		t.Fatalf("after moving Kontakti up: %s", got)
	}
	if said := u.text("#page-blocks-live"); said != fmt.Sprintf("»%s« je zdaj na mestu 2 od 3.", titles[kont]) {
		t.Fatalf("the live region says %q", said)
	}
	// Mouse: Uvod dragged by its handle below Zgodovina.
	u.drag(`#page-blocks-list li[data-key="`+uvod+`"] .drag`, `#page-blocks-list li[data-key="`+zgod+`"]`, 12)
	u.waitJS(fmt.Sprintf(`document.querySelector("#page-blocks-list li:last-child").dataset.key === %q`, uvod))
	if got := u.blockOrder(); got != kont+","+zgod+","+uvod {
		t.Fatalf("after dragging Uvod last: %s", got)
	}
	// Arrow keys on the handle: Uvod one up.
	u.run(chromedp.Focus(`#page-blocks-list li[data-key="`+uvod+`"] .drag`), chromedp.KeyEvent(kb.ArrowUp))
	u.waitJS(fmt.Sprintf(`document.querySelector("#page-blocks-list li:nth-child(2)").dataset.key === %q`, uvod))
	u.axe("block picker")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "block-picker-1280")
		u.viewport(375, 800, true)
		u.axe("block picker at 375 px")
		u.screenshot(dir, "block-picker-375")
		u.viewport(1280, 900, false)
	}
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").dataset.status === "draft"`)
	var id string
	u.eval(`location.hash.split("/")[2]`, &id)
	page := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/pages/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if got := fmt.Sprint(page["blocks"]); got != fmt.Sprintf("[%s %s %s]", kont, uvod, zgod) {
		t.Fatalf("the page stored blocks %s", got)
	}
	// Removing one says so and offers it again.
	u.run(chromedp.Click(fmt.Sprintf(`button[aria-label="Odstrani s strani: %s"]`, titles[zgod])))
	u.waitJS(fmt.Sprintf(`[...document.querySelectorAll("#page-block-add option")].some(o => o.value === %q)`, zgod))
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)
	page = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/pages/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if got := fmt.Sprint(page["blocks"]); got != fmt.Sprintf("[%s %s]", kont, uvod) {
		t.Fatalf("after removing Zgodovina the page stored %s", got)
	}

	// Documents: two charters with one title, told apart.
	valjevo := createPartnership(t, fmt.Sprintf("izbira-valjevo-%d", stamp), fmt.Sprintf("Valjevo izbira %d", stamp))
	bad := createPartnership(t, fmt.Sprintf("izbira-bad-%d", stamp), fmt.Sprintf("Bad izbira %d", stamp))
	for _, d := range []struct {
		partnership, file, date string
		size                    int
	}{{valjevo, fmt.Sprintf("valjevo-%d.pdf", stamp), "1975-05-09", 3000}, {bad, fmt.Sprintf("bad-%d.pdf", stamp), "2003", 2 << 20}} {
		meta := apitest.DocMeta("charter", "Listina o pobratenju")
		meta["partnership_ids"] = []string{d.partnership}
		meta["provenance"] = map[string]string{"source": "Občina Jesenice", "original_date": d.date}
		apitest.Expect(t, s.Upload(t, apitest.AdminToken, meta, d.file, "application/pdf", apitest.PDFBytes(d.file, d.size)), 201)
	}
	t.Cleanup(func() { archivePartnership(t, valjevo); archivePartnership(t, bad) })
	u.open("#/partnerships/" + valjevo)
	var options []string
	u.eval(fmt.Sprintf(`[...document.querySelectorAll("#attach-doc option")].map(o => o.textContent).filter(x => x.includes("izbira %d"))`, stamp), &options)
	if len(options) != 2 || options[0] == options[1] {
		t.Fatalf("the document picker offers %q", options)
	}
	want := map[string][]string{
		"valjevo": {"Listina o pobratenju — Listina", "1975", fmt.Sprintf("valjevo-%d.pdf", stamp), "KB", fmt.Sprintf("Valjevo izbira %d", stamp)},
		"bad":     {"Listina o pobratenju — Listina", "2003", fmt.Sprintf("bad-%d.pdf", stamp), "2.0 MB", fmt.Sprintf("Bad izbira %d", stamp)},
	}
	for name, parts := range want {
		found := false
		for _, o := range options {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(o, p)
			}
			found = found || ok
		}
		if !found {
			t.Errorf("no option for the %s charter with %q among %q", name, parts, options)
		}
	}
	// Both attached, then the second dragged above the first, saved in that order.
	for _, file := range []string{fmt.Sprintf("valjevo-%d.pdf", stamp), fmt.Sprintf("bad-%d.pdf", stamp)} {
		var value string
		u.eval(fmt.Sprintf(`[...document.querySelectorAll("#attach-doc option")].find(o => o.textContent.includes(%q)).value`, file), &value)
		u.setValue(`#attach-doc`, value)
		u.run(chromedp.Click(`#attach`))
	}
	u.waitJS(`document.querySelectorAll("#doc-order li[data-key]").length === 2`)
	if first := u.text("#doc-order li:first-child .picked-name"); !strings.Contains(first, fmt.Sprintf("valjevo-%d.pdf", stamp)) || !strings.Contains(first, "1975") {
		t.Fatalf("the first attached row reads %q", first)
	}
	var docIDs []string
	u.eval(`[...document.querySelectorAll("#doc-order li[data-key]")].map(li => li.dataset.key)`, &docIDs)
	u.drag(`#doc-order li:last-child .drag`, `#doc-order li:first-child`, -12)
	u.waitJS(fmt.Sprintf(`document.querySelector("#doc-order li:first-child").dataset.key === %q`, docIDs[1]))
	u.axe("partnership with document pickers")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "document-picker-1280")
	}
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)
	p := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + valjevo, Token: apitest.AdminToken}), 200).Map(t)
	var stored []string
	for _, r := range p["documents"].([]any) {
		stored = append(stored, r.(map[string]any)["document_id"].(string))
	}
	if fmt.Sprint(stored) != fmt.Sprint([]string{docIDs[1], docIDs[0]}) {
		t.Fatalf("stored document order %v, want %v", stored, []string{docIDs[1], docIDs[0]})
	}
}

// The partnership list's page order: a row dragged by its handle, and one
// moved by the arrow keys on its handle, renumber the order as shown (on
// an instance of its own, so no other test's order moves).
func TestBrowserAdminPartnershipOrderByDrag(t *testing.T) {
	own, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	ids := map[string]string{}
	for i, name := range []string{"Prvo", "Drugo", "Tretje"} {
		ids[name] = apitest.Expect(t, own.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: map[string]any{
			"slug": strings.ToLower(name), "relation": "twin", "sort": (i + 1) * 10,
			"partner": map[string]any{"name": map[string]string{"sl": name}, "country": "AT"}}}), 201).Map(t)["id"].(string)
	}
	order := func() string {
		items := apitest.Expect(t, own.Do(t, apitest.Req{Path: "/api/v1/partnerships?sort=sort", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any)
		var out []string
		for _, it := range items {
			out = append(out, it.(map[string]any)["partner"].(map[string]any)["name"].(map[string]any)["sl"].(string))
		}
		return strings.Join(out, ",")
	}
	u := newBrowser(t)
	u.base = own.Base
	u.signIn(apitest.AdminToken)
	u.run(chromedp.Navigate(own.Base + "/admin/#/partnerships"))
	u.waitJS(`document.querySelectorAll("#partnership-list tbody tr .drag").length === 3`)
	u.drag(`#partnership-list tr[data-key="`+ids["Tretje"]+`"] .drag`, `#partnership-list tr[data-key="`+ids["Prvo"]+`"]`, -12)
	u.waitJS(`document.activeElement && document.activeElement.matches("tr[data-key='` + ids["Tretje"] + `'] .drag")`)
	if got := order(); got != "Tretje,Prvo,Drugo" {
		t.Fatalf("after dragging Tretje first: %s", got)
	}
	u.run(chromedp.KeyEvent(kb.ArrowDown))
	u.waitJS(`document.querySelector("#partnership-list tbody tr:nth-child(2)").dataset.key === "` + ids["Tretje"] + `"`)
	if got := order(); got != "Prvo,Tretje,Drugo" {
		t.Fatalf("after ↓ on Tretje's handle: %s", got)
	}
	u.axe("partnership order")
}
