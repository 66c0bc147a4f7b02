//go:build browser

package web_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// An editor fills a new partnership badly and saves: the form names every
// error at once beside its field, in Slovenian, marked aria-invalid and
// described by its message; what was typed stays. Fixing a field takes its
// error away; the message bar never covers the Save button and can be
// closed. axe finds nothing at 1280 and 375 px with the errors shown.
func TestBrowserAdminFieldErrors(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/partnerships/new")
	u.run(chromedp.SendKeys(`#slug`, "Nova Gorica"), chromedp.SendKeys(`#country`, "XX"),
		chromedp.Click(`#add-agreement`))
	u.setValue(`[data-pointer="/agreements/0/year"]`, "1800")
	u.run(chromedp.Click(`#save`))
	u.waitJS(`document.querySelector(".error-summary")`)

	want := map[string]string{ // control → the Slovenian message beside it
		"#slug":                               "Uporabite male črke brez šumnikov",
		"#country":                            "Izberite državo s seznama",
		"#sl-name":                            "To polje je obvezno",
		`[data-pointer="/agreements/0/year"]`: "Vpišite vrednost od 1900 do",
	}
	for sel, text := range want {
		var invalid, described string
		u.eval(`document.querySelector('`+sel+`').getAttribute("aria-invalid") || ""`, &invalid)
		u.eval(`(document.querySelector('`+sel+`').getAttribute("aria-describedby") || "").split(" ").map(id => (document.getElementById(id) || {}).textContent || "").join(" | ")`, &described)
		if invalid != "true" || !strings.Contains(described, text) {
			t.Errorf("%s: aria-invalid %q, described by %q; want %q", sel, invalid, described, text)
		}
	}
	var before int
	u.eval(`document.querySelectorAll(".error-summary li").length`, &before)
	if got := u.text(".error-summary .error-count"); before < 4 || !strings.Contains(got, "je treba popraviti") {
		t.Errorf("summary %q with %d entries", got, before)
	}
	var slug, country string
	u.eval(`document.querySelector("#slug").value`, &slug)
	u.eval(`document.querySelector("#country").value`, &country)
	if slug != "Nova Gorica" || country != "XX" {
		t.Fatalf("typed values lost: %q %q", slug, country)
	}
	u.axe("field errors 1280")
	u.viewport(375, 800, true)
	u.axe("field errors 375")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "field-errors-375")
	}
	u.viewport(1280, 900, false)

	// Fixing the slug takes its error away; the others stay.
	u.setValue(`#slug`, "nova-gorica-napake")
	u.waitJS(`!document.querySelector("#slug").hasAttribute("aria-invalid") && !document.querySelector("#slug-error")`)
	var after int
	u.eval(`document.querySelectorAll(".error-summary li").length`, &after)
	if after != before-1 || !strings.Contains(u.text(".error-summary .error-count"), fmt.Sprint(after)) {
		t.Errorf("after fixing the slug the summary lists %d (was %d): %q", after, before, u.text(".error-summary .error-count"))
	}
	// The Save button can be clicked where it is drawn, with an error
	// message in the bar: nothing lies over it.
	u.eval(`import("./dom.js").then(d => d.announce("Poskusna napaka", "error"))`, nil)
	var top bool
	u.eval(`(() => { const b = document.querySelector("#save"); b.scrollIntoView({block: "end"}); window.scrollTo(0, document.body.scrollHeight);
	  const r = b.getBoundingClientRect(); return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b; })()`, &top)
	if !top {
		t.Fatal("something covers the Save button")
	}
	u.run(chromedp.Click(`#status-close`))
	u.waitJS(`document.querySelector("#status-bar").hidden`)
}

// A slug another partnership holds is said beside "Oznaka (slug)" in
// Slovenian, as the other field errors are, with what was typed kept;
// nothing is stored.
func TestBrowserAdminTakenSlugBesideItsField(t *testing.T) {
	s := apitest.Shared(t)
	taken := apitest.Create(t, s, apitest.AdminToken, apitest.MinimalPartnership("zasedena-oznaka", "Zasedena"))["slug"].(string)
	before := apitest.PartnershipTotal(t, s, apitest.AdminToken)
	p := newPerson(t, "taken slug", "Peter Urednik", "editor")
	p.click("link", "Partnerstva", "")
	p.click("link", "Nova partnerska občina", "")
	p.waitFor("button", "Shrani", "")
	p.fill("Ime", "SL", "Druga občina")
	p.fill("Oznaka (slug)", "", taken)
	p.fill("Država", "", "Nemčija")
	p.waitText("Nemčija (DE)")
	p.click("button", "Shrani", "")
	p.waitJS(`document.querySelector("[aria-invalid=true]")`)
	var f struct{ Invalid, Message, Value string }
	p.eval(`(() => { const e = document.querySelector(`+quote(p.field("Oznaka (slug)", ""))+`);
	  return { invalid: e.getAttribute("aria-invalid") || "", value: e.value,
	    message: (e.getAttribute("aria-describedby") || "").split(" ").map(id => document.getElementById(id)).filter(x => x && x.classList.contains("field-error")).map(x => x.innerText).join(" ") }; })()`, &f)
	if f.Invalid != "true" || !strings.Contains(f.Message, "že uporablja drug zapis") || notSlovene.MatchString(f.Message) || f.Value != taken {
		t.Errorf("beside the slug: aria-invalid %q, message %q, value %q (typed %q)", f.Invalid, f.Message, f.Value, taken)
	}
	if bar := p.visibleText(); strings.Contains(bar, "already taken") {
		t.Errorf("the screen shows the server's English: %q", bar)
	}
	p.finish("taken-slug")
	if after := apitest.PartnershipTotal(t, s, apitest.AdminToken); after != before {
		t.Errorf("a refused partnership was stored: %d, was %d", after, before)
	}
}

// An information leaves by itself a few seconds after it came, and the
// page does not move when it goes: the Save button an editor is about to
// click at the foot of the page stays where it was drawn (at 1280 px, and
// at 375 px where the save bar sits on the message bar).
func TestBrowserAdminMessageLeavesWithoutMovingThePage(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	for _, width := range []int64{1280, 375} {
		u.viewport(width, 700, width < 600)
		u.open("#/partnerships/new")
		u.eval(`import("./dom.js").then(d => d.announce("Shranjeno."))`, nil)
		var before float64
		u.eval(`(() => { window.scrollTo(0, document.documentElement.scrollHeight); return document.querySelector("#save").getBoundingClientRect().top; })()`, &before)
		u.waitJS(`document.querySelector("#status-bar").hidden`)
		var after float64
		u.eval(`document.querySelector("#save").getBoundingClientRect().top`, &after)
		if after != before {
			t.Errorf("at %d px the Save button moved from y=%.0f to y=%.0f when the message left", width, before, after)
		}
	}
}
