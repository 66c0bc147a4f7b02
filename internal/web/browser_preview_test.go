//go:build browser

package web_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// previewLink is the answer to POST …/preview-links.
type previewLink struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// A mayor opens a preview link without an account: the demo site shows the
// draft partnership, marked as a draft preview; once the link has expired
// the page says so instead.
func TestBrowserDraftPreview(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	p := apitest.Create(t, s, ed, map[string]any{"slug": "preview-in-browser", "relation": "friendship",
		"partner": map[string]any{"name": map[string]string{"sl": "Osnutkovo mesto", "en": "Draft Town"}, "country": "AT"},
		"summary": map[string]string{"sl": "<p>Besedilo v odobritvi.</p>"}})
	path := apitest.PartnershipPath(p)
	var link, short previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{}}), 201).JSON(t, &link)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{"expires_in": 1}}), 201).JSON(t, &short)

	u := newBrowser(t)
	u.run(chromedp.Navigate(link.URL))
	u.waitJS(`document.querySelector('li.partner[data-slug="preview-in-browser"]')`)
	if m := u.text("#preview-marker"); !strings.Contains(m, "Osnutek — predogled") || !strings.Contains(m, "Draft preview") {
		t.Fatalf("marker %q", m)
	}
	if h1 := u.text("h1"); h1 != "Osnutkovo mesto" {
		t.Fatalf("h1 %q, want the draft's name", h1)
	}
	if body := u.text("li.partner"); !strings.Contains(body, "Besedilo v odobritvi.") {
		t.Fatalf("the draft's summary is missing: %q", body)
	}
	var robots string
	u.eval(`document.querySelector('meta[name="robots"]').content`, &robots)
	if !strings.Contains(robots, "noindex") {
		t.Fatalf("meta robots %q", robots)
	}
	u.run(chromedp.Click(`button[data-locale="en"]`))
	u.waitJS(`document.body.dataset.locale === "en" && document.querySelector("h1").textContent === "Draft Town"`)
	if os.Getenv("TWINCMS_AXE") != "" {
		u.axe("draft preview")
	}

	time.Sleep(time.Until(short.ExpiresAt) + 500*time.Millisecond)
	u.run(chromedp.Navigate(short.URL))
	u.waitJS(`document.getElementById("status").textContent.includes("ni veljavna")`)
	if n := u.text("#partners"); n != "" {
		t.Fatalf("an expired link still shows %q", n)
	}
}
