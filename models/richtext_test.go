package models

import (
	"strings"
	"testing"
)

// Which image addresses rich text may hold: paths on the site, twincms's
// own file links and the configured origins; everything a browser could
// resolve to another host is refused, however it is spelled.
func TestRichTextImageOrigins(t *testing.T) {
	o := ImageOrigins{"https://www.jesenice.si"}
	cases := map[string]bool{
		`<img src="/api/v1/public/files/0123456789abcdef01234567/256?exp=1&amp;sig=x">`: true,
		`<img src="slike/grb.png" alt="grb">`:                                           true,
		`<img src="https://www.jesenice.si/grb.png">`:                                   true,
		`<img src="HTTPS://WWW.Jesenice.si:443/grb.png">`:                               true,
		`<img srcset="/a.png 1x, https://www.jesenice.si/b.png 2x">`:                    true,
		`<img src="">`: true,
		`<a href="https://tracker.example/">a link is not an image</a>`:                         true,
		`<img src="https://tracker.example/p.gif">`:                                             false,
		`<img src="http://www.jesenice.si/grb.png">`:                                            false,
		`<img src="https://www.jesenice.si.tracker.example/p.gif">`:                             false,
		`<img src="https://www.jesenice.si@tracker.example/p.gif">`:                             false,
		`<img src="//tracker.example/p.gif">`:                                                   false,
		`<img src="/\tracker.example/p.gif">`:                                                   false,
		`<img src="\\tracker.example/p.gif">`:                                                   false,
		"<img src=\"/\t/tracker.example/p.gif\">":                                               false,
		`<img src="https:tracker.example/p.gif">`:                                               false,
		`<img src="https:///tracker.example/p.gif">`:                                            false,
		`<img src="ftp://tracker.example/p.gif">`:                                               false,
		`<image src="https://tracker.example/p.gif">`:                                           false,
		`<img srcset="/a.png 1x, https://tracker.example/p.gif 2x">`:                            false,
		`<img srcset="/a.png 1x,//tracker.example/p.gif 2x">`:                                   false,
		`<picture><source srcset="https://tracker.example/p.webp"><img src="/a.png"></picture>`: false,
		`<video poster="https://tracker.example/p.jpg"></video>`:                                false,
		`<table background="https://tracker.example/p.gif"><tr><td>x</td></tr></table>`:         false,
		`<svg><image href="https://tracker.example/p.svg"></image></svg>`:                       false,
		`<input type="image" src="https://tracker.example/p.gif">`:                              false,
	}
	for in, ok := range cases {
		if why := o.unsafeContent(in); (why == "") != ok {
			t.Errorf("%s: %q, want allowed=%v", in, why, ok)
		}
	}
	if why := ImageOrigins(nil).unsafeContent(`<img src="https://www.jesenice.si/grb.png">`); !strings.Contains(why, "https://www.jesenice.si") {
		t.Errorf("with no origins configured, an absolute image is refused naming its origin: %q", why)
	}
}

// The sanitizer drops the images the checks refuse, and keeps the rest
// of the text as it was.
func TestSanitizeDropsForeignImages(t *testing.T) {
	o := ImageOrigins{"https://www.jesenice.si"}
	in := `<p>Grb <img src="//tracker.example/p.gif" alt="x"><img src="https://www.jesenice.si/grb.png" alt="grb"> in <img src="/slike/a.png" alt="a"></p>`
	want := `<p>Grb <img src="https://www.jesenice.si/grb.png" alt="grb"> in <img src="/slike/a.png" alt="a"></p>`
	if got := o.sanitize(in); got != want {
		t.Fatalf("sanitized to %s\nwant %s", got, want)
	}
	if got := SanitizeHTML(`<img src="https://www.jesenice.si/grb.png"><b>x</b>`); got != `<b>x</b>` {
		t.Fatalf("no origins configured: %s", got)
	}
}
