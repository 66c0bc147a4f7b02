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

// SanitizeHTML returns html with everything unsafe removed, images from
// other sites included (no image origins configured).
func SanitizeHTML(s string) string { return ImageOrigins(nil).sanitize(s) }

// sanitize removes what could run, then the images o does not allow: the
// policy keeps any http(s) image, and a stored text must not make a
// reader's browser call a third party whatever the checks let through.
func (o ImageOrigins) sanitize(s string) string {
	return o.dropForeignImages(richTextPolicy().Sanitize(s))
}

// sanitizeLocalized sanitizes every translation in place: stored rich text
// is always safe to insert into a page, whatever the checks let through.
func (o ImageOrigins) sanitizeLocalized(t Localized) {
	for k, v := range t {
		t[k] = o.sanitize(v)
	}
}

// checkRichText reports texts with active content or other sites' images.
// An editor who pastes a script or a tracking pixel is told so (422)
// instead of having it silently dropped.
func (o ImageOrigins) checkRichText(p *Problems, field string, t Localized) {
	for code, v := range t {
		if why := o.unsafeContent(v); why != "" {
			p.Add(field+"."+code, "rich text must not contain %s", why)
		}
	}
}

var activeElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "embed": true,
	"frame": true, "frameset": true, "applet": true, "base": true, "form": true, "meta": true, "link": true,
}

// unsafeContent names the first thing in s that could run in a browser
// or load an image from a site o does not allow.
func (o ImageOrigins) unsafeContent(s string) string {
	return scanTags(s, func(tag, key, val string) string {
		switch {
		case key == "":
			if activeElements[tag] {
				return "<" + tag + "> elements"
			}
			return ""
		case strings.HasPrefix(key, "on"):
			return "event handler attributes (" + key + ")"
		case key == "href" || key == "src" || key == "action" || key == "formaction" || key == "xlink:href":
			if scheme := urlScheme(val); scheme == "javascript" || scheme == "vbscript" || scheme == "data" {
				return scheme + ": URLs"
			}
		}
		return o.foreignImage(tag, key, val)
	})
}

// scanTags returns the first answer of check on the start tags of s, or
// "malformed markup" when s does not parse.
func scanTags(s string, check func(tag, key, val string) string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return "malformed markup"
		case html.StartTagToken, html.SelfClosingTagToken:
			if why := checkTag(z, check); why != "" {
				return why
			}
		}
	}
}

// checkTag asks check about the tokenizer's current tag: first about the
// element (key ""), then about each attribute, its key in lower case.
func checkTag(z *html.Tokenizer, check func(tag, key, val string) string) string {
	name, hasAttr := z.TagName()
	tag := string(name)
	if why := check(tag, "", ""); why != "" {
		return why
	}
	for hasAttr {
		var key, val []byte
		key, val, hasAttr = z.TagAttr()
		if why := check(tag, strings.ToLower(string(key)), string(val)); why != "" {
			return why
		}
	}
	return ""
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
