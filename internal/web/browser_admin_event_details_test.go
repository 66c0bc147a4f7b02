//go:build browser

package web_test

import (
	"strings"
	"testing"
)

// Each form of event details the server writes (ingest, fixity, purge,
// description change, format identification) reads in the interface
// language; a line of another form is shown as written, marked English.
func TestBrowserAdminEventDetailsInWords(t *testing.T) {
	u := newBrowser(t)
	u.signIn(namedToken(t, "Mojca Arhivarka", "archivist"))
	sha := strings.Repeat("ab", 32)
	other := strings.Repeat("cd", 32)
	cases := []struct{ typ, detail, want, lang string }{
		{"ingested", `application/pdf, 1536, bytes`, `application/pdf, 1536, bytes`, "en"},
		{"ingested", `application/pdf, 1536 bytes, sha256 ` + sha + `, from "Listina \"1975\".pdf"`,
			`application/pdf, 2 KB (1536 B), SHA-256 ` + sha + `, iz datoteke »Listina "1975".pdf«`, ""},
		{"fixity_ok", "sha256 " + sha, "izračunani SHA-256 se ujema z zapisanim: " + sha, ""},
		{"fixity_failed", "the stored object is missing", "shranjene datoteke ni več", ""},
		{"fixity_failed", "sha256 " + sha + ", 10 bytes; recorded sha256 " + other + ", 12 bytes",
			"izračunano SHA-256 " + sha + ", 10 B (10 B); zapisano SHA-256 " + other + ", 12 B (12 B)", ""},
		{"purged", "sha256 " + sha + `, "grb.png"`, "SHA-256 " + sha + ", datoteka »grb.png«", ""},
		{"metadata_changed", "changed: title, provenance, partnership_ids", "spremenjeno: naslov, provenienca, partnerstva", ""},
		{"format_identified", "fmt/276 Acrobat PDF 1.7, version 1.7 (extension match pdf); siegfried 1.11.2",
			"PRONOM fmt/276 – Acrobat PDF 1.7, različica 1.7 (extension match pdf), prepoznal siegfried 1.11.2", ""},
		{"format_identified", "x-fmt/111 Plain Text File; siegfried 1.11.2", "PRONOM x-fmt/111 – Plain Text File, prepoznal siegfried 1.11.2", ""},
	}
	for _, c := range cases {
		var got struct{ Text, Lang string }
		u.eval(`(async () => { const { eventDetail } = await import("/admin/event_words.js");
		  const nodes = eventDetail({ type: `+quote(c.typ)+`, detail: `+quote(c.detail)+` });
		  return { text: nodes.map(n => n.textContent).join(""), lang: nodes.map(n => n.getAttribute("lang") || "").join("") }; })()`, &got)
		if got.Text != c.want || got.Lang != c.lang {
			t.Errorf("%s %q:\n got %q (lang %q)\nwant %q (lang %q)", c.typ, c.detail, got.Text, got.Lang, c.want, c.lang)
		}
	}
}
