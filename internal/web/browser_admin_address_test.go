//go:build browser

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A person types the address without the trailing slash: the browser
// lands on /admin/ and the page works (its modules and style load), so
// the sign-in form is there and styled.
func TestBrowserAdminWithoutSlash(t *testing.T) {
	u := newBrowser(t)
	u.run(chromedp.Navigate(u.base+"/admin"), chromedp.WaitVisible(`#signin-password input[name=email]`))
	var href, font string
	u.eval(`location.href`, &href)
	if !strings.HasSuffix(href, "/admin/") {
		t.Fatalf("address after /admin: %q", href)
	}
	// style.css loaded: the skip link is moved off screen until focused.
	u.eval(`getComputedStyle(document.querySelector("#skip")).position`, &font)
	if font == "static" {
		t.Fatal("style.css did not load from /admin/")
	}
}
