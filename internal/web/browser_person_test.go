//go:build browser

package web_test

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// person drives the admin UI as a person does: controls are found by
// their visible (accessible) names, clicked where they are drawn (a
// control something else covers cannot be clicked), typed into with the
// keyboard, and every click, typed field, key press and choice counts as
// one step. Every screen passes axe at 1280 and 375 px.
type person struct {
	*ui
	task  string
	steps int
	phone bool // the task is done at 375 px, on a phone
}

// size sets the window to the person's width (phone: 375 px).
func (p *person) size(phone bool) {
	p.t.Helper()
	if phone {
		p.viewport(375, 800, true)
	} else {
		p.viewport(1280, 900, false)
	}
}

// findJS defines window.__byName(role, name, within): the one shown
// control of role whose accessible name is name (else the one whose name
// starts with it), inside a container (section, fieldset, form, dialog,
// table row, list item, tab panel, toolbar) whose name or row text holds
// within. It marks the control with data-person and answers its
// selector, or why none (or more than one) was found. While a modal
// dialog is open only the dialog's controls count.
const findJS = `window.__byName || (window.__byName = (role, name, within) => {
  const txt = s => (s || "").replace(/\s+/g, " ").trim();
  const shown = e => { for (let x = e; x; x = x.parentElement) { if (x.hidden || x.getAttribute("aria-hidden") === "true") return false;
    const st = getComputedStyle(x); if (st.display === "none" || st.visibility === "hidden") return false; } return e.getClientRects().length > 0; };
  const fromContent = e => [...e.childNodes].map(c => c.nodeType === 3 ? c.textContent : c.nodeType !== 1 ? "" :
    (c.hidden || c.getAttribute("aria-hidden") === "true" || getComputedStyle(c).display === "none") ? "" :
    c.getAttribute("aria-label") ? " " + c.getAttribute("aria-label") + " " : fromContent(c)).join("");
  const byIds = ids => txt(ids.split(/\s+/).map(id => { const x = document.getElementById(id); return x ? fromContent(x) : ""; }).join(" "));
  const nameOf = e => {
    if (e.getAttribute("aria-labelledby")) return byIds(e.getAttribute("aria-labelledby"));
    if (e.getAttribute("aria-label")) return txt(e.getAttribute("aria-label"));
    if (e.labels && e.labels.length) return txt([...e.labels].map(fromContent).join(" "));
    if (e.matches("input[type=submit], input[type=button]")) return txt(e.value);
    if (e.matches("fieldset")) { const l = e.querySelector(":scope > legend"); return l ? txt(fromContent(l)) : ""; }
    if (e.matches("table")) { const c = e.querySelector(":scope > caption"); return c ? txt(c.textContent) : ""; }
    if (e.matches("button, a, summary, option, [role=tab], [role=button], h1, h2, h3, h4, th, td, li, tr")) return txt(fromContent(e)) || txt(e.title);
    return txt(e.title) || txt(e.placeholder);
  };
  const roles = {
    button: "button, input[type=submit], input[type=button], [role=button], summary",
    link: "a[href]",
    textbox: "input:not([type]):not([list]), input[type=text]:not([list]), input[type=email], input[type=password], input[type=url], input[type=search], input[type=number], input[type=tel], input[type=date], input[type=datetime-local], textarea, [role=textbox]",
    combobox: "select:not([multiple]), input[list]",
    checkbox: "input[type=checkbox]",
    radio: "input[type=radio]",
    tab: "[role=tab]",
    heading: "h1, h2, h3, h4",
    row: "tr",
    dialog: "dialog[open]",
  };
  const containers = "section, fieldset, form, dialog, tr, li, [role=tabpanel], [role=toolbar], table, nav";
  // "row:A|B": in the table row whose cells read A and B exactly.
  if (within.startsWith("row:")) { const want = within.slice(4).split("|");
    const inRow = e => { const tr = e.closest("tr"); return !!tr && want.every(w => [...tr.cells].some(c => txt(c.textContent) === w)); };
    return pick(inRow); }
  const inside = e => { if (!within) return true;
    for (let c = e.parentElement && e.parentElement.closest(containers); c; c = c.parentElement && c.parentElement.closest(containers))
      if (nameOf(c).includes(within) || (c.matches("tr, li") && txt(c.textContent).includes(within))) return true;
    return false; };
  return pick(inside);
  function pick(inside) {
  const modal = document.querySelector("dialog[open]");
  const all = [...(modal && role !== "dialog" ? modal : document).querySelectorAll(role.split(/,\s*/).map(r => roles[r] || r).join(", "))].filter(e => shown(e) && inside(e));
  let hits = all.filter(e => nameOf(e) === name);
  if (!hits.length) hits = all.filter(e => nameOf(e).startsWith(name));
  if (hits.length !== 1) return { error: (hits.length ? "more than one" : "no") + " " + role + " named " + JSON.stringify(name) +
    (within ? " in " + JSON.stringify(within) : "") + "; the screen's " + role + "s: " + JSON.stringify(all.map(nameOf).slice(0, 40)) };
  const n = hits[0].dataset.person || String(Date.now()) + Math.random().toString(36).slice(2, 6);
  hits[0].dataset.person = n;
  return { sel: "[data-person='" + n + "']", name: nameOf(hits[0]) };
  }
})`

// find is the selector of the control of role named name (within: a
// container's name, "" for the whole screen); it fails the test when
// there is none or more than one.
// A person waits for the screen to show it: up to 20 s.
func (p *person) find(role, name, within string) string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out struct{ Sel, Name, Error string }
		p.eval(fmt.Sprintf(`(%s)(%q, %q, %q)`, findJS, role, name, within), &out)
		if out.Error == "" {
			return out.Sel
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: %s", p.task, out.Error)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// has says whether the screen shows a control of role named name.
func (p *person) has(role, name, within string) bool {
	p.t.Helper()
	var out struct{ Sel, Error string }
	p.eval(fmt.Sprintf(`(%s)(%q, %q, %q)`, findJS, role, name, within), &out)
	return out.Sel != ""
}

// waitFor waits until the screen shows a control of role named name.
func (p *person) waitFor(role, name, within string) {
	p.t.Helper()
	p.waitJS(fmt.Sprintf(`((%s)(%q, %q, %q)).sel`, findJS, role, name, within))
}

// step counts and logs one thing the person does.
func (p *person) step(format string, args ...any) {
	p.t.Helper()
	p.steps++
	p.t.Logf("%s · step %d: %s", p.task, p.steps, fmt.Sprintf(format, args...))
}

// clickAt clicks the control sel in its middle with the mouse, after
// scrolling it into view; it fails when something else is drawn there.
func (p *person) clickAt(sel string) {
	p.t.Helper()
	var at struct {
		X, Y  float64
		Cover string
	}
	// A person aims at a control that has stopped moving: the place is
	// taken once the control's box is the same two frames running (an
	// image or a message arriving above it moves it down).
	p.eval(fmt.Sprintf(`(async () => { const e = document.querySelector(%q); e.scrollIntoView({block: "center", inline: "nearest"});
	  const box = () => JSON.stringify(e.getBoundingClientRect());
	  for (let i = 0, last = ""; i < 60; i++) {
	    await new Promise(done => requestAnimationFrame(() => done()));
	    const now = box();
	    if (now === last) break;
	    last = now;
	  }
	  const r = e.getBoundingClientRect(), x = r.left + (/^date/.test(e.type) ? 12 : Math.min(r.width / 2, 40)), y = r.top + r.height / 2;
	  const top = document.elementFromPoint(x, y);
	  const ok = top && (e === top || e.contains(top) || (e.labels && [...e.labels].some(l => l.contains(top))));
	  return { x, y, cover: ok ? "" : top ? top.outerHTML.slice(0, 160) : "nothing" }; })()`, sel), &at)
	if at.Cover != "" {
		p.t.Fatalf("%s: %s cannot be clicked: covered by %s", p.task, sel, at.Cover)
	}
	p.run(chromedp.MouseClickXY(at.X, at.Y))
}

// click clicks the control of role named name.
func (p *person) click(role, name, within string) {
	p.t.Helper()
	sel := p.find(role, name, within)
	p.step("click %s %q%s", role, name, in(within))
	p.clickAt(sel)
}

func in(within string) string {
	if within == "" {
		return ""
	}
	return " in " + within
}

// typeText types text where the focus is: ASCII as key presses, other
// letters as an input method sends them.
func (p *person) typeText(text string) {
	p.t.Helper()
	ascii := true
	for _, r := range text {
		if r > unicode.MaxASCII {
			ascii = false
		}
	}
	if ascii {
		p.run(chromedp.KeyEvent(text))
	} else {
		p.run(input.InsertText(text))
	}
}

// fill clicks the field labelled name and types text into it (one step:
// a typed field). Clicking a box that already holds text puts the caret
// at the click; fill selects what it holds first, as a double-click or
// Ctrl+A would, so the field holds only text.
func (p *person) fill(label, within, text string) {
	p.t.Helper()
	sel := p.field(label, within)
	p.step("type %q into %q%s", text, label, in(within))
	p.clickAt(sel)
	p.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (e.select) e.select(); })()`, sel), nil)
	p.typeText(text)
}

// field is the text box or combo box labelled label (a text box with
// suggestions, like the country, is a combo box).
func (p *person) field(label, within string) string {
	p.t.Helper()
	p.find("textbox, combobox", label, within) // waits for the screen
	if p.has("textbox", label, within) {
		return p.find("textbox", label, within)
	}
	return p.find("combobox", label, within)
}

// write types text into the focused rich text box (one step).
func (p *person) write(text string) {
	p.t.Helper()
	p.step("type %q", text)
	p.typeText(text)
}

// choose picks the option whose text is (or starts with) option in the
// list box labelled label (one step).
func (p *person) choose(label, within, option string) {
	p.t.Helper()
	sel := p.find("combobox", label, within)
	p.step("choose %q in %q%s", option, label, in(within))
	var res struct{ Error string }
	p.eval(fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.scrollIntoView({block: "center"}); s.focus();
	  const txt = x => x.textContent.replace(/\s+/g, " ").trim();
	  let o = [...s.options].filter(o => txt(o) === %q);
	  if (!o.length) o = [...s.options].filter(o => txt(o).startsWith(%q));
	  if (o.length !== 1) return { error: o.length + " options named " + %q + " among " + JSON.stringify([...s.options].map(txt)) };
	  s.value = o[0].value; s.dispatchEvent(new Event("input", {bubbles: true})); s.dispatchEvent(new Event("change", {bubbles: true})); return {}; })()`,
		sel, option, option, option), &res)
	if res.Error != "" {
		p.t.Fatalf("%s: %q: %s", p.task, label, res.Error)
	}
}

// key presses one key (with modifiers), one step.
func (p *person) key(what, k string, mods input.Modifier) {
	p.t.Helper()
	p.step("press %s", what)
	p.run(chromedp.KeyEvent(k, chromedp.KeyModifiers(mods)))
}

// enter presses Enter.
func (p *person) enter() { p.t.Helper(); p.key("Enter", kb.Enter, 0) }

// screen checks the screen shown with axe at 1280 px and at 375 px
// (WCAG 2.1 A and AA), and that the phone width does not scroll sideways.
func (p *person) screen(name string) {
	p.t.Helper()
	p.size(false)
	p.axe(p.task + ": " + name + " at 1280 px")
	p.size(true)
	var sw int64
	p.eval(`document.documentElement.scrollWidth`, &sw)
	if sw > 375 {
		p.t.Errorf("%s: %s is %d px wide at 375 px", p.task, name, sw)
	}
	p.axe(p.task + ": " + name + " at 375 px")
	p.size(p.phone)
}

// visibleText is the screen's text as a person reads it.
func (p *person) visibleText() string {
	p.t.Helper()
	var s string
	p.eval(`document.body.innerText`, &s)
	return s
}

// waitText waits until the screen shows text.
func (p *person) waitText(text string) {
	p.t.Helper()
	b, _ := json.Marshal(text)
	p.waitJS(`document.body.innerText.includes(` + string(b) + `)`)
}

// done logs the task's step count.
func (p *person) done() {
	p.t.Helper()
	p.t.Logf("%s: %d steps", p.task, p.steps)
}

// openAdmin types the admin's address without the trailing slash and
// signs in with an email and a password, as a person with an account does.
func (p *person) openAdmin(email, password string) {
	p.t.Helper()
	p.step("type the address %s/admin and press Enter", p.base)
	p.run(chromedp.Navigate(p.base + "/admin"))
	p.waitFor("button", "Prijava", "")
	p.screen("sign-in")
	p.fill("E-poštni naslov", "", email)
	p.fill("Geslo", "", password)
	p.enter()
	p.waitJS(`document.body.dataset.route === "#/dashboard"`)
	p.waitFor("heading", "Nadzorna plošča", "")
}
