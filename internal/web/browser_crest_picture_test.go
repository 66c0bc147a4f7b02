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

// A visitor's browser shows each partner's crest from its WebP rendition
// (a <picture> with a WebP source and the PNG as the fallback), at the
// 256-px file on a 2x screen, with the crest's text alternative; axe-core
// finds nothing at 1280 and 375 px.
func TestBrowserCrestPictureIsWebPWithAlt(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	for _, vp := range []struct {
		w, h  int64
		phone bool
	}{{1280, 900, false}, {375, 800, true}} {
		u.viewport(vp.w, vp.h, vp.phone)
		u.run(chromedp.Navigate(s.Base + "/"))
		u.waitJS(`document.querySelectorAll("li.partner picture img").length === 5 &&
			[...document.querySelectorAll("li.partner picture img")].every(i => i.complete && i.naturalWidth > 0)`)
		var crests []struct {
			Slug, Src, Alt, Sources string
			Natural                 int
		}
		u.eval(`[...document.querySelectorAll("li.partner picture")].map(p => {
			const i = p.querySelector("img");
			return {Slug: i.dataset.crest, Src: i.currentSrc, Alt: i.alt, Natural: i.naturalWidth,
				Sources: [...p.querySelectorAll("source")].map(s => s.type).join(",")};
		})`, &crests)
		webp := 0
		for _, c := range crests {
			if c.Sources != "image/webp" || c.Alt == "" || !strings.Contains(c.Alt, "(") {
				t.Fatalf("%d px, %s: sources %q, alt %q", vp.w, c.Slug, c.Sources, c.Alt)
			}
			if strings.Contains(c.Src, ".webp") {
				webp++
			}
		}
		if webp != len(crests) {
			t.Fatalf("%d px: %d of 5 crests shown from WebP: %+v", vp.w, webp, crests)
		}
		u.axe(fmt.Sprintf("demo site crests at %d px", vp.w))
		if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
			u.screenshot(dir, fmt.Sprintf("demo-crests-%d", vp.w))
		}
	}
}
