//go:build browser

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jesenice/twincms/internal/apitest"
)

// ui is one headless Chromium tab driving the admin UI.
type ui struct {
	t         *testing.T
	base      string // the twincms instance under test
	ctx       context.Context
	downloads string
}

// browserDir is a fresh directory for a browser's profile or downloads.
// Not t.TempDir: its clean-up would be registered after the browser's and
// so run before the browser has exited; this one is registered first, so
// it runs last, after the browser is gone (the allocator's cancel waits for
// the process to exit).
func browserDir(t *testing.T, pattern string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Chromium's helper processes (crashpad, the zygote) may outlive
		// the browser by a moment and still write: retry, bounded.
		var err error
		for range 20 {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Logf("remove %s: %v", dir, err)
	})
	return dir
}

// chromiumProfile is a fresh profile directory (see browserDir).
func chromiumProfile(t *testing.T) string { return browserDir(t, "twincms-chromium-") }

// warmOnce launches Chromium once per test binary, before the first test's
// browser: a freshly installed Chromium's first launch sets up its caches
// and fonts (slow, and it may write after it is told to quit), so no test
// meets a first launch.
var warmOnce sync.Once

func warmChromium(t *testing.T, opts []chromedp.ExecAllocatorOption) {
	warmOnce.Do(func() {
		dir, err := os.MkdirTemp("", "twincms-chromium-warm-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		actx, cancel := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(dir))...)
		defer cancel() // waits for the browser process to exit
		ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithErrorf(browserErrorf(t)))
		defer cancel2()
		ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel3()
		var version string
		if err := chromedp.Run(ctx, chromedp.Navigate("about:blank"), chromedp.Evaluate(`navigator.userAgent`, &version)); err != nil {
			t.Fatalf("first Chromium launch: %v", err)
		}
		t.Logf("browser: %s", version)
	})
}

// browserOptions are the flags of every test browser (the profile is added
// per browser).
func browserOptions(t *testing.T) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
}

// newBrowser starts Chromium and returns its first tab; more tabs come
// from tab(). Clean-ups run in reverse: the tab closes, the browser
// process exits, then its directories are removed.
func newBrowser(t *testing.T) *ui {
	s := apitest.Shared(t)
	t.Helper()
	opts := browserOptions(t)
	warmChromium(t, opts)
	profile := chromiumProfile(t)
	downloads := browserDir(t, "twincms-downloads-")
	actx, cancel := chromedp.NewExecAllocator(context.Background(), append(opts, chromedp.UserDataDir(profile))...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithErrorf(browserErrorf(t)))
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	u := &ui{t: t, ctx: ctx, downloads: downloads, base: s.Base}
	u.run(browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(u.downloads).WithEventsEnabled(true))
	return u
}

// browserErrorf logs every error chromedp reports. Nothing is filtered:
// an event the protocol bindings cannot decode means cdproto is older than
// the installed Chromium (update chromedp), and must be seen.
func browserErrorf(t *testing.T) func(string, ...any) {
	return func(format string, args ...any) { t.Logf("chromedp: "+format, args...) }
}

// setValue sets a form control's value as typing or choosing would,
// firing input and change.
func (u *ui) setValue(sel, value string) {
	u.t.Helper()
	var ok bool
	u.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.value = %q;
	  e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, value), &ok)
	if !ok {
		u.t.Fatalf("no %s to set", sel)
	}
}

// tab opens a second tab in the same browser (its own sessionStorage).
func (u *ui) tab() *ui {
	ctx, cancel := chromedp.NewContext(u.ctx)
	u.t.Cleanup(cancel)
	v := &ui{t: u.t, ctx: ctx, downloads: u.downloads, base: u.base}
	v.run(chromedp.Navigate("about:blank"))
	return v
}

func (u *ui) run(actions ...chromedp.Action) {
	u.t.Helper()
	if err := chromedp.Run(u.ctx, actions...); err != nil {
		u.t.Fatalf("browser: %v", err)
	}
}

func (u *ui) eval(js string, out any) {
	u.t.Helper()
	u.run(chromedp.Evaluate(js, out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
}

// waitJS polls a JavaScript condition until it holds (at most 60 s). A
// poll that meets a page being replaced (a link just clicked) counts as
// "not yet": the condition is asked again of the new page.
func (u *ui) waitJS(cond string) {
	u.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		err := chromedp.Run(u.ctx, chromedp.Evaluate("!!("+cond+")", &ok))
		switch {
		case err == nil && ok:
			return
		case err != nil && !navigating(err):
			u.t.Fatalf("browser: %v", err)
		}
		if time.Now().After(deadline) {
			var body string
			u.eval(`document.body.innerText.slice(0, 2000)`, &body)
			u.t.Fatalf("waited 60 s for %s; the page shows:\n%s", cond, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// navigating tells an evaluation that met a navigation (the page or its
// JavaScript context replaced under it) from a real failure.
func navigating(err error) bool {
	m := err.Error()
	return strings.Contains(m, "Inspected target navigated or closed") || strings.Contains(m, "Execution context was destroyed") ||
		strings.Contains(m, "Cannot find context with specified id")
}

// text is the text of the first element matching sel ("" when none).
func (u *ui) text(sel string) string {
	u.t.Helper()
	var s string
	u.eval(fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel), &s)
	return s
}

// open shows the screen at hash (reloading when it is already shown) and
// waits until it is drawn.
func (u *ui) open(hash string) {
	u.t.Helper()
	var same bool
	u.eval(fmt.Sprintf(`(() => { const same = location.hash === %q; document.body.dataset.route = ""; return same; })()`, hash), &same)
	if same {
		u.run(chromedp.Reload())
	} else {
		u.eval(fmt.Sprintf(`location.hash = %q`, hash), nil)
	}
	u.waitJS(fmt.Sprintf(`document.body.dataset.route === %q && !document.querySelector("#view > p:only-child")`, hash))
}

// signIn opens "Sign in with an API token", types the token with the
// keyboard only and presses Enter.
func (u *ui) signIn(token string) {
	u.t.Helper()
	u.run(chromedp.Navigate(u.base+"/admin/"), chromedp.WaitVisible(`#signin-token-toggle`))
	u.run(chromedp.Click(`#signin-token-toggle`))
	u.waitJS(`document.activeElement && document.activeElement.name === "token"`)
	u.run(chromedp.KeyEvent(token), chromedp.KeyEvent(kb.Enter))
	u.waitJS(`document.querySelector("#who") && !document.querySelector("#who").hidden && document.body.dataset.route`)
}

// pressTabUntil moves focus with Tab until the element with id has it.
func (u *ui) pressTabUntil(id string) {
	u.t.Helper()
	for i := 0; i < 300; i++ {
		var cur string
		u.eval(`document.activeElement ? document.activeElement.id : ""`, &cur)
		if cur == id {
			return
		}
		u.run(chromedp.KeyEvent(kb.Tab))
	}
	u.t.Fatalf("Tab never reached #%s", id)
}

// axeTags are the WCAG 2.1 A and AA rules.
const axeScript = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`

// axe runs axe-core (path in TWINCMS_AXE, set by .ci/run) on the page and
// fails the test on any WCAG 2.1 A/AA violation.
func (u *ui) axe(name string) {
	u.t.Helper()
	path := os.Getenv("TWINCMS_AXE")
	if path == "" {
		u.t.Fatal("TWINCMS_AXE must name axe.min.js: npm install --no-save --prefix /tmp/axe axe-core@4.10.3; TWINCMS_AXE=/tmp/axe/node_modules/axe-core/axe.min.js")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		u.t.Fatal(err)
	}
	var loaded bool
	u.eval(`typeof axe !== "undefined"`, &loaded)
	if !loaded {
		u.run(chromedp.Evaluate(string(src), nil))
	}
	var out string
	u.eval(axeScript, &out)
	var violations []struct {
		ID    string   `json:"id"`
		Help  string   `json:"help"`
		Nodes []string `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		u.t.Fatalf("axe on %s: %v (%s)", name, err, out)
	}
	for _, v := range violations {
		u.t.Errorf("axe on %s: %s (%s) at %s", name, v.ID, v.Help, strings.Join(v.Nodes, ", "))
	}
}

// viewport sets the window's CSS width (375 for a phone).
func (u *ui) viewport(width, height int64, mobile bool) {
	u.t.Helper()
	u.run(emulation.SetDeviceMetricsOverride(width, height, 1, mobile))
}

// screenshot writes name.png to dir.
func (u *ui) screenshot(dir, name string) {
	u.t.Helper()
	var png []byte
	u.run(chromedp.FullScreenshot(&png, 100)) // 100: PNG (lower is JPEG)
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		u.t.Fatal(err)
	}
}

// waitFile waits for a downloaded file.
func (u *ui) waitFile(name string) string {
	u.t.Helper()
	path := filepath.Join(u.downloads, name)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if st, err := os.Stat(path); err == nil && st.Size() > 0 {
			return path
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(u.downloads)
			u.t.Fatalf("no %s downloaded; the folder holds %v", name, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// confirm waits for the confirmation dialog, checks it asks about what
// (its text, in Slovenian) and presses its yes button, named after the
// action.
func (u *ui) confirm(what string) {
	u.t.Helper()
	u.waitJS(`document.querySelector("dialog[open] #confirm-text")`)
	if q := u.text("#confirm-text"); !strings.Contains(q, what) {
		u.t.Fatalf("the confirmation asks %q, not about %q", q, what)
	}
	u.run(chromedp.Click(`#confirm-yes`))
	u.waitJS(`!document.querySelector("dialog")`)
}

// brokenWords lists the words of the cells of the tables matching sel that
// the layout broke across lines inside the word (a column squeezed to
// "197/5"); words with a hyphen or slash may break there and are left out.
func (u *ui) brokenWords(sel string) []string {
	u.t.Helper()
	var out []string
	u.eval(fmt.Sprintf(`(() => {
	  const out = [];
	  for (const cell of document.querySelectorAll(%[1]q + " th, " + %[1]q + " td")) {
	    const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
	    for (let n; (n = walk.nextNode());) {
	      for (const m of n.data.matchAll(/[^\s\-–/]+/g)) {
	        const r = document.createRange();
	        r.setStart(n, m.index);
	        r.setEnd(n, m.index + m[0].length);
	        const lines = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
	        if (lines.size > 1) out.push(m[0]);
	      }
	    }
	  }
	  return out;
	})()`, sel), &out)
	return out
}
