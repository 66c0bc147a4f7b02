package models

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Localized is a text in several locales, keyed by locale code ("sl", "en").
type Localized map[string]string

// Locales is the configured set of locales with the default first and the
// fallback chain applied when a requested translation is missing.
type Locales struct {
	// Supported lists every accepted locale; Supported[0] is the default.
	Supported []string
	// Fallback is tried in order after the requested locale (e.g. en, sl).
	Fallback []string
}

// DefaultLocales is sl first, with en and then sl as the fallback chain.
func DefaultLocales() Locales {
	return Locales{Supported: []string{"sl", "en", "de", "it", "sr"}, Fallback: []string{"en", "sl"}}
}

// Default returns the default locale.
func (l Locales) Default() string { return l.Supported[0] }

// Has reports whether code is configured.
func (l Locales) Has(code string) bool { return slices.Contains(l.Supported, code) }

// Chain returns the lookup order for a requested locale: the locale itself,
// then the fallback chain, then the default, without repeats.
func (l Locales) Chain(requested string) []string {
	chain := make([]string, 0, len(l.Fallback)+2)
	add := func(c string) {
		if c != "" && !slices.Contains(chain, c) {
			chain = append(chain, c)
		}
	}
	add(requested)
	for _, c := range l.Fallback {
		add(c)
	}
	add(l.Default())
	return chain
}

// Negotiate picks the locale for a request: an explicit ?locale= wins, then
// the first supported language of Accept-Language, then the default. The
// second result is false when an explicit locale is not supported.
func (l Locales) Negotiate(explicit, acceptLanguage string) (string, bool) {
	if explicit != "" {
		explicit = strings.ToLower(explicit)
		if i := slices.Index(l.Supported, explicit); i >= 0 {
			// The configured string, not one that aliases request memory.
			return l.Supported[i], true
		}
		return strings.Clone(explicit), false
	}
	type tag struct {
		code string
		q    float64
	}
	var tags []tag
	for i, part := range strings.Split(acceptLanguage, ",") {
		fields := strings.Split(strings.TrimSpace(part), ";")
		code := strings.ToLower(strings.TrimSpace(fields[0]))
		if code == "" {
			continue
		}
		if base, _, ok := strings.Cut(code, "-"); ok {
			code = base
		}
		q := 1.0 - float64(i)*1e-6 // keep header order among equal weights
		for _, f := range fields[1:] {
			if v, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
				if w, err := strconv.ParseFloat(v, 64); err == nil {
					q = w - float64(i)*1e-6
				}
			}
		}
		tags = append(tags, tag{code, q})
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	for _, t := range tags {
		if i := slices.Index(l.Supported, t.code); t.q > 0 && i >= 0 {
			return l.Supported[i], true
		}
	}
	return l.Default(), true
}

// Resolve returns the text for the first locale of chain that has one, and
// that locale; ("", "") when the text has no translation at all.
func (t Localized) Resolve(chain []string) (string, string) {
	for _, c := range chain {
		if v, ok := t[c]; ok && v != "" {
			return v, c
		}
	}
	return "", ""
}

// check reports locales that are not configured and texts over max runes.
func (t Localized) check(p *Problems, field string, l Locales, required bool, maxLen int) {
	if required && t[l.Default()] == "" {
		p.Add(field+"."+l.Default(), "is required in the default locale")
	}
	for code, v := range t {
		switch {
		case !l.Has(code):
			p.Add(field+"."+code, "locale %q is not configured (have %s)", code, strings.Join(l.Supported, ", "))
		case len([]rune(v)) > maxLen:
			p.Add(field+"."+code, "is longer than %d characters", maxLen)
		}
	}
}
