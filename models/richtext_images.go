package models

import (
	"io"
	"strings"

	"golang.org/x/net/html"
)

// ImageOrigins are the other sites rich text may show images from, as
// "https://host[:port]" in lower case (config.RichTextImageOrigins). An
// image on any other site would make every reader's browser call that
// site, which then learns who reads the page: a tracking pixel. Images
// served by twincms itself (/api/v1/public/files/… links) or by the
// website (any path without a host) are always allowed.
type ImageOrigins []string

// imageURLAttrs name where an element loads an image (or other media a
// browser fetches on its own) from, on any element: the sanitizer keeps
// only img src, but an editor is told about every one.
var imageURLAttrs = map[string]bool{"src": true, "srcset": true, "poster": true, "background": true, "lowsrc": true, "dynsrc": true}

// svgImageElements load the image their href names.
var svgImageElements = map[string]bool{"image": true, "feimage": true, "use": true}

// foreignImage says why attribute attr="val" of element tag loads an
// image o does not allow, or "".
func (o ImageOrigins) foreignImage(tag, attr, val string) string {
	var urls []string
	switch {
	case attr == "srcset":
		// Candidates are "url [descriptor]" separated by commas. Splitting
		// at every comma may cut a URL that holds one, which only makes the
		// check stricter: the cut-off head must pass too.
		for _, c := range strings.Split(val, ",") {
			if f := strings.Fields(c); len(f) > 0 {
				urls = append(urls, f[0])
			}
		}
	case imageURLAttrs[attr], svgImageElements[tag] && (attr == "href" || attr == "xlink:href"):
		urls = []string{val}
	}
	for _, u := range urls {
		if origin, ok := o.allows(u); !ok {
			why := "images from " + origin
			if len(o) == 0 {
				return why + " (only images served by twincms, such as /api/v1/public/files/… links, or paths on this site)"
			}
			return why + " (only images served by twincms, paths on this site, or from " + strings.Join(o, ", ") + ")"
		}
	}
	return ""
}

// allows reports whether an image at raw is on this site or an allowed
// origin, reading raw as a browser would; when not, origin names where it
// would load from. Anything a browser might resolve to another host is
// refused, so an unusual spelling of an allowed address may be too:
// ("//host/x.png", "https:host/x.png", "/\host/x.png").
func (o ImageOrigins) allows(raw string) (origin string, ok bool) {
	// Browsers drop tabs and newlines anywhere and C0 controls and spaces
	// at the ends, and read "\" as "/" in http(s) URLs.
	u := strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, raw)
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	if strings.HasPrefix(u, "//") {
		return "another host (" + hostOf(u) + ")", false
	}
	colon := strings.IndexByte(u, ':')
	if colon < 0 || !validScheme(u[:colon]) {
		return "", true // a path on the site the text is shown on
	}
	scheme := strings.ToLower(u[:colon])
	if scheme != "http" && scheme != "https" {
		return scheme + ": URLs", false
	}
	host := hostOf(u[colon+1:])
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	origin = scheme + "://" + host
	for _, allowed := range o {
		if origin == allowed {
			return origin, true
		}
	}
	return origin, false
}

// hostOf is the lowercased host[:port] of what follows a URL's scheme:
// browsers skip any number of slashes there, and the host is what
// follows the last "@" (anything before it is user info).
func hostOf(rest string) string {
	rest = strings.TrimLeft(rest, "/")
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return strings.ToLower(rest)
}

// validScheme reports whether s is a URL scheme: a letter, then letters,
// digits, "+", "-" or ".". Anything else before a colon is a path.
func validScheme(s string) bool {
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return s != ""
}

// dropForeignImages removes every tag of s that loads an image o does not
// allow, keeping the rest of the markup byte for byte.
func (o ImageOrigins) dropForeignImages(s string) string {
	if scanTags(s, o.foreignImage) == "" {
		return s
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				b.Write(z.Raw())
			}
			return b.String()
		}
		// Copied first: reading the tag lowercases the tokenizer's buffer.
		raw := string(z.Raw())
		if (tt == html.StartTagToken || tt == html.SelfClosingTagToken) && checkTag(z, o.foreignImage) != "" {
			continue
		}
		b.WriteString(raw)
	}
}
