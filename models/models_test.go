package models

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestSortKeyOrdersSlovenian(t *testing.T) {
	names := []string{"Žalec", "zagreb", "Šentjakob v Rožu", "Sežana", "Čačak", "Cerknica", "Ćuprija", "Đakovo", "Dravograd", "Ärzen", "Bled", "Ajdovščina"}
	sort.Slice(names, func(i, j int) bool { return SortKey(names[i]) < SortKey(names[j]) })
	want := []string{"Ajdovščina", "Ärzen", "Bled", "Cerknica", "Čačak", "Ćuprija", "Dravograd", "Đakovo", "Sežana", "Šentjakob v Rožu", "zagreb", "Žalec"}
	if !slices.Equal(names, want) {
		t.Fatalf("got %v\nwant %v", names, want)
	}
}

func TestNegotiate(t *testing.T) {
	l := DefaultLocales()
	cases := []struct {
		explicit, header, want string
		ok                     bool
	}{
		{"", "", "sl", true},
		{"EN", "de", "en", true},
		{"fr", "", "fr", false},
		{"", "fr-FR, de;q=0.8, en;q=0.9", "en", true},
		{"", "de-AT", "de", true},
		{"", "it;q=0, sr;q=0.1", "sr", true},
		{"", ";;;,,q=", "sl", true},
	}
	for _, tc := range cases {
		got, ok := l.Negotiate(tc.explicit, tc.header)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Negotiate(%q, %q) = %q %v, want %q %v", tc.explicit, tc.header, got, ok, tc.want, tc.ok)
		}
	}
	if c := l.Chain("de"); strings.Join(c, ",") != "de,en,sl" {
		t.Errorf("chain %v", c)
	}
}

func TestActiveContent(t *testing.T) {
	cases := map[string]bool{
		"<p>Listina o <strong>pobratenju</strong></p>":         false,
		`<a href="https://www.valjevo.rs">Valjevo</a>`:         false,
		`<script>alert(1)</script>`:                            true,
		`<p onmouseover="x()">a</p>`:                           true,
		`<a href="JaVaScRiPt:alert(1)">a</a>`:                  true,
		"<a href=\"java\nscript:alert(1)\">a</a>":              true,
		`<img src="data:text/html;base64,PHNjcmlwdD4=">`:       true,
		`<iframe src="https://example.org"></iframe>`:          true,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`: true,
	}
	for in, active := range cases {
		if got := ImageOrigins(nil).unsafeContent(in) != ""; got != active {
			t.Errorf("unsafeContent(%q) = %v, want %v", in, got, active)
		}
	}
}

func TestFoldText(t *testing.T) {
	if got := FoldText("Šentjakob v Rožu – TRBIŽ"); got != "sentjakob v rozu – trbiz" {
		t.Fatalf("FoldText = %q", got)
	}
}

func TestValidCountry(t *testing.T) {
	for code, ok := range map[string]bool{"SI": true, "RS": true, "DE": true, "AT": true, "IT": true, "XX": false, "si": false, "SVN": false, "": false, "ZZ": false, "EU": false} {
		if ValidCountry(code) != ok {
			t.Errorf("ValidCountry(%q) = %v", code, !ok)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"de-AT,de;q=0.9,en;q=0.5", "*", "sl;q=abc", ",,,", "en;q=1e309"} {
		f.Add(s)
	}
	l := DefaultLocales()
	f.Fuzz(func(t *testing.T, header string) {
		got, ok := l.Negotiate("", header)
		if !ok || !l.Has(got) {
			t.Fatalf("Negotiate(%q) = %q %v: must always pick a configured locale", header, got, ok)
		}
	})
}

// Sanitized rich text has nothing that runs and no image from another
// site (no origins configured), whatever went in.
func FuzzSanitizedRichTextHasNoActiveContent(f *testing.F) {
	for _, s := range []string{"<p>x</p>", `<a href="javascript:x">`, `<img onerror=x src=y>`, "<scr<script>ipt>",
		`<img src="https://tracker.example/p.gif">`, `<img src="//tracker.example/p.gif">`, `<img src="/\tracker.example/p.gif">`,
		`<img srcset="/a.png 1x, https://tracker.example/p.gif 2x">`, `<picture><source srcset="https://tracker.example/p.gif"><img src="/a.png"></picture>`,
		"<img src=\"ht\ttps://tracker.example/p.gif\">", `<image src="https:tracker.example/p.gif">`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if why := ImageOrigins(nil).unsafeContent(SanitizeHTML(in)); why != "" && why != "malformed markup" {
			t.Fatalf("sanitized %q still has %s", in, why)
		}
	})
}

// An empty slug or key is a missing value (code required), a misspelled
// one a format problem (code slug_format), for every kind that has one.
func TestAnEmptySlugIsRequiredAndABadOneMisspelled(t *testing.T) {
	r := Rules{Locales: DefaultLocales()}
	for _, c := range []struct {
		name     string
		validate func(slug string) error
		field    string
	}{
		{"block", func(s string) error { return (&Block{BlockKey: s}).Validate(r) }, "key"},
		{"page", func(s string) error { return (&ContentPage{Slug: s}).Validate(r) }, "slug"},
		{"partnership", func(s string) error { return (&Partnership{Slug: s}).Validate(r) }, "slug"},
	} {
		for slug, want := range map[string]string{"": CodeRequired, "Bad Slug": CodeSlug} {
			var ve *ValidationError
			if !errors.As(c.validate(slug), &ve) {
				t.Fatalf("%s %q: no validation error", c.name, slug)
			}
			got := ""
			for _, p := range ve.Problems {
				if p.Field == c.field {
					got = p.Code
				}
			}
			if got != want {
				t.Errorf("%s %q: %s code %q, want %q", c.name, slug, c.field, got, want)
			}
		}
	}
}
