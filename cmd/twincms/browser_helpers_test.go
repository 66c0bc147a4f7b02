//go:build browser

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// ui is one headless Chromium tab driving the admin UI.
type ui struct {
	t         *testing.T
	base      string // the twincms instance under test
	ctx       context.Context
	downloads string
}

// chromiumProfile is a fresh profile directory. Not t.TempDir: Chromium may
// still write its profile while the test ends, and the profile's removal
// must not fail the test.
func chromiumProfile(t *testing.T) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "twincms-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	return profile
}

// newBrowser starts Chromium and returns its first tab; more tabs come
// from tab().
func newBrowser(t *testing.T) *ui {
	t.Helper()
	profile := chromiumProfile(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx, chromedp.WithErrorf(quietErrorf(t)))
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	u := &ui{t: t, ctx: ctx, downloads: t.TempDir(), base: shared.base}
	u.run(browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(u.downloads).WithEventsEnabled(true))
	return u
}

// quietErrorf logs chromedp's errors except the protocol events newer
// Chromium sends that cdproto cannot decode (harmless).
func quietErrorf(t *testing.T) func(string, ...any) {
	return func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Log(msg)
		}
	}
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

// waitJS polls a JavaScript condition until it holds (at most 60 s).
func (u *ui) waitJS(cond string) {
	u.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		u.eval("!!("+cond+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var body string
			u.eval(`document.body.innerText.slice(0, 2000)`, &body)
			u.t.Fatalf("waited 60 s for %s; the page shows:\n%s", cond, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
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

// signIn types the token with the keyboard only and presses Enter.
func (u *ui) signIn(token string) {
	u.t.Helper()
	u.run(chromedp.Navigate(u.base+"/admin/"), chromedp.WaitVisible(`#signin input`))
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
