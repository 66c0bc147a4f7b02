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

// An editor types into a partnership and clicks away: the UI asks before
// the changes are lost, and "No" keeps the form with what was typed.
// Ctrl+S saves; after saving, leaving asks nothing. Restoring a version
// and archiving ask first. On a phone the Save button stays in reach
// while the form scrolls.
func TestBrowserAdminSafety(t *testing.T) {
	s := apitest.Shared(t)
	id := createPartnership(t, "varnost-ui", "Varnost UI")
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.open("#/partnerships/" + id)
	u.run(chromedp.SendKeys(`#website`, "https://varnost.example"))

	u.run(chromedp.Click(`#nav a[href="#/documents"]`))
	u.waitJS(`document.querySelector("dialog[open]")`)
	if q := u.text("#confirm-text"); !strings.Contains(q, "neshranjene spremembe") {
		t.Fatalf("leaving asks %q", q)
	}
	u.axe("leave guard")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "leave-guard-1280")
	}
	u.run(chromedp.Click(`#confirm-no`))
	u.waitJS(`!document.querySelector("dialog") && location.hash === "#/partnerships/` + id + `"`)
	var kept string
	u.eval(`document.querySelector("#website").value`, &kept)
	if kept != "https://varnost.example" {
		t.Fatalf("staying lost the typing: %q", kept)
	}

	// Ctrl+S saves.
	u.run(chromedp.Focus(`#website`), chromedp.KeyEvent("s", chromedp.KeyModifiers(input.ModifierCtrl)))
	u.waitJS(`document.querySelector("#record-status").textContent.includes("2")`)
	got := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}).Map(t)
	if got["partner"].(map[string]any)["website"] != "https://varnost.example" {
		t.Fatalf("Ctrl+S did not save: %v", got["partner"])
	}

	// Restore asks, naming the version; "No" leaves the record as it is.
	u.run(chromedp.Click(`button[data-version="1"]`))
	u.waitJS(`document.querySelector("#restore-version")`)
	u.run(chromedp.Click(`#restore-version`))
	u.waitJS(`document.querySelector("dialog[open]")`)
	if q := u.text("#confirm-text"); !strings.Contains(q, "različico 1") {
		t.Fatalf("restore asks %q", q)
	}
	u.run(chromedp.Click(`#confirm-no`))
	u.waitJS(`!document.querySelector("dialog")`)
	u.run(chromedp.Click(`#archive`))
	u.confirm("arhivirati")
	u.waitJS(`document.querySelector("#record-status").dataset.status === "archived"`)

	// Saved: leaving asks nothing.
	u.run(chromedp.Click(`#nav a[href="#/documents"]`))
	u.waitJS(`document.body.dataset.route === "#/documents"`)

	// On a phone the save bar sticks to the bottom of a long form.
	u.viewport(375, 700, true)
	u.open("#/partnerships/" + id)
	var inReach bool
	u.eval(`(() => { window.scrollTo(0, 600); const b = document.querySelector("#save").getBoundingClientRect();
	  return b.bottom <= innerHeight && b.top >= 0 && document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2) === document.querySelector("#save"); })()`, &inReach)
	if !inReach {
		t.Fatal("on a phone the Save button is out of reach mid-form")
	}
	u.axe("editor 375")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.run(chromedp.Evaluate(`window.scrollTo(0, 600)`, nil))
		var png []byte
		u.run(chromedp.CaptureScreenshot(&png))
		_ = os.WriteFile(dir+"/editor-sticky-375.png", png, 0o644)
	}
}
