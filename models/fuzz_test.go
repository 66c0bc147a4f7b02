package models

import (
	"mime"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Fuzz targets for the parsers and builders of untrusted input in models.
// Run one with: go test -run '^$' -fuzz '^FuzzLocaleNegotiation$' -fuzztime 30s ./models

func FuzzLocaleNegotiation(f *testing.F) {
	for _, s := range [][2]string{{"", "de-AT,de;q=0.9,en;q=0.8"}, {"EN", ""}, {"xx", ""}, {"", "*"}, {"", "sl;q=0,en;q=abc"},
		{"", ";;;,,,q=1"}, {"", "en;q=NaN,de;q=+Inf"}, {"", "sr-Latn-RS;q=1e308"}} {
		f.Add(s[0], s[1])
	}
	l := DefaultLocales()
	f.Fuzz(func(t *testing.T, explicit, accept string) {
		got, ok := l.Negotiate(explicit, accept)
		if explicit == "" && !ok {
			t.Fatalf("Accept-Language %q refused", accept)
		}
		if ok && !slices.Contains(l.Supported, got) {
			t.Fatalf("negotiated %q, not a supported locale", got)
		}
		if !ok && l.Has(got) {
			t.Fatalf("supported %q refused", got)
		}
	})
}

func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"Listina o pobratenju – Šentjakob v Rožu.pdf", `a"b\c.pdf`, "plain.txt", "x;y=z.pdf", "日本語.png", "tab\there.pdf", "%41.pdf", "'quoted'.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		h := ContentDisposition(name)
		for _, r := range h {
			if r < 0x20 || r >= 0x7f {
				t.Fatalf("header %q holds a non-ASCII or control character", h)
			}
		}
		typ, params, err := mime.ParseMediaType(h)
		if err != nil || typ != "attachment" {
			t.Fatalf("header %q does not parse: %v", h, err)
		}
		// A name that uploads accept must come back exactly.
		if CleanFilename(name) == name && params["filename"] != name {
			t.Fatalf("%q came back as %q from %q", name, params["filename"], h)
		}
		if strings.ContainsAny(params["filename"], bidiControls) {
			t.Fatalf("%q came back with bidi controls: %q", name, params["filename"])
		}
		// Whatever the name, a PDF downloads as a .pdf.
		d := &Document{ID: "0123456789abcdef01234567", File: FileFacts{ContentType: TypePDF, OriginalFilename: name}}
		if dn := DownloadName(d); !strings.HasSuffix(strings.ToLower(dn), ".pdf") || strings.ContainsAny(dn, bidiControls) {
			t.Fatalf("%q downloads as %q", name, dn)
		}
	})
}

func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"scan.pdf", "../../etc/passwd", `..\x.pdf`, ".htaccess", " spaced.pdf ", "a\x00b", "dir/x", "Šentjakob v Rožu.pdf", strings.Repeat("a", 300), "\xff.pdf", "a\u202eb.pdf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := CleanFilename(name)
		if got == "" {
			return
		}
		if got != strings.TrimSpace(StripBidi(name)) || CleanFilename(got) != got || strings.ContainsAny(got, bidiControls) {
			t.Fatalf("%q cleaned to %q", name, got)
		}
		if !utf8.ValidString(got) || strings.ContainsAny(got, "/\\") || strings.HasPrefix(got, ".") || len(got) > 255 {
			t.Fatalf("%q accepted", got)
		}
		for _, r := range got {
			if unicode.IsControl(r) {
				t.Fatalf("%q holds a control character", got)
			}
		}
	})
}
