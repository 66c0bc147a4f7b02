//go:build browser

// The browser test needs Chromium (Debian's chromium; .ci/run installs
// it), so it runs with -tags browser: go test -tags browser -run Browser ./web
package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("TWINCMS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("Chromium not found: apt-get install chromium, or set TWINCMS_CHROMIUM")
	return ""
}

// A visitor opens the demo site, sees the five partners in order, switches
// to English and downloads a document, which arrives under its UTF-8 name
// with the stored SHA-256.
func TestBrowserDemoSite(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	ctx := u.ctx
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var slugs, title, english string
	downloads := u.downloads // removed after the browser has exited
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.Base+"/"),
		chromedp.WaitVisible(`li.partner[data-slug="trbiz"]`),
		chromedp.Evaluate(`[...document.querySelectorAll("li.partner")].map(e => e.dataset.slug).join(",")`, &slugs),
		chromedp.Text("h1", &title),
		chromedp.Click(`button[data-locale="en"]`),
		chromedp.WaitVisible(`body[data-locale="en"]`),
		chromedp.Text(`li.partner[data-slug="nagold"]`, &english),
	)
	if err != nil {
		t.Fatal(err)
	}
	if slugs != "valjevo,trbovlje,nagold,sentjakob-v-rozu,trbiz" || title != "Pobratene in prijateljske občine" {
		t.Fatalf("partners %q, title %q", slugs, title)
	}
	if !strings.Contains(english, "Official website") || !strings.Contains(english, "Cooperation agreement") || !strings.Contains(english, "(PDF, ") {
		t.Fatalf("English Nagold entry: %q", english)
	}
	var h1 string
	if err := chromedp.Run(ctx, chromedp.Text("h1", &h1)); err != nil || h1 != "Twin towns and friendly towns" {
		t.Fatalf("English title %q (%v)", h1, err)
	}

	// Download the Šentjakob agreement by clicking its link.
	if err := chromedp.Run(ctx, chromedp.Click(`li.partner[data-slug="sentjakob-v-rozu"] a[data-document]`)); err != nil {
		t.Fatal(err)
	}
	want := "Pogodba o partnerskem sodelovanju – Šentjakob v Rožu.pdf"
	path := filepath.Join(downloads, want)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(downloads)
			t.Fatalf("no %q downloaded; the folder holds %v", want, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ok bool
	docs, _ := s.CMS.Documents.All(context.Background())
	for _, d := range docs {
		if d.File.OriginalFilename == want {
			ok = d.File.SHA256 == apitest.SHA(got)
		}
	}
	if !ok {
		t.Fatalf("the downloaded file's SHA-256 %s matches no stored %q", apitest.SHA(got), want)
	}
	// A screenshot for people to look at (kept in the test's temp dir).
	var png []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err == nil {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "twincms-demo-site.png"), png, 0o644)
	}
}
