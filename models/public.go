package models

import "time"

// Rendered is a public response body as the website receives it, with
// the validators a cache needs: a strong ETag over the bytes, and when
// its content (or its links' window) last changed.
type Rendered struct {
	Body         []byte
	ETag         string
	LastModified time.Time
	// LastModifiedHTTP is LastModified as an HTTP date, formatted once.
	LastModifiedHTTP string
}

// PublicView is how a public body is rendered for one request: in which
// locale, and under which mount prefix of the API its file links point
// ("" at the root, "/cms" when mounted there).
type PublicView struct {
	Locale string
	Base   string
}
