package models

import (
	"io"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
)

// richTextPolicy allows the formatting an editor needs for a page paragraph
// (UGC policy: paragraphs, emphasis, lists, links) and nothing that runs:
// no scripts, no event handlers, no javascript: URLs.
var richTextPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(false)
	return p
})

// SanitizeHTML returns html with everything unsafe removed.
func SanitizeHTML(s string) string { return richTextPolicy().Sanitize(s) }

// sanitizeLocalized sanitizes every translation in place: stored rich text
// is always safe to insert into a page, whatever the checks let through.
func sanitizeLocalized(t Localized) {
	for k, v := range t {
		t[k] = SanitizeHTML(v)
	}
}

// checkRichText reports texts with active content. An editor who pastes a
// script is told so (422) instead of having it silently dropped.
func checkRichText(p *Problems, field string, t Localized) {
	for code, v := range t {
		if why := activeContent(v); why != "" {
			p.Add(field+"."+code, "rich text must not contain %s", why)
		}
	}
}

var activeElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true,
	"frame": true, "frameset": true, "applet": true, "base": true, "form": true, "meta": true, "link": true,
}

// activeContent names the first thing in s that could run in a browser.
func activeContent(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return "malformed markup"
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if activeElements[string(name)] {
				return "<" + string(name) + "> elements"
			}
			for hasAttr {
				var key, val []byte
				key, val, hasAttr = z.TagAttr()
				k := strings.ToLower(string(key))
				if strings.HasPrefix(k, "on") {
					return "event handler attributes (" + k + ")"
				}
				if k == "href" || k == "src" || k == "action" || k == "formaction" || k == "xlink:href" {
					if scheme := urlScheme(string(val)); scheme == "javascript" || scheme == "vbscript" || scheme == "data" {
						return scheme + ": URLs"
					}
				}
			}
		}
	}
}

// urlScheme lowercases the scheme of u after dropping the whitespace and
// control characters browsers ignore ("java\tscript:").
func urlScheme(u string) string {
	var b strings.Builder
	for _, r := range u {
		if r <= ' ' {
			continue
		}
		if r == ':' {
			return strings.ToLower(b.String())
		}
		if r == '/' || r == '?' || r == '#' {
			return ""
		}
		b.WriteRune(r)
	}
	return ""
}
