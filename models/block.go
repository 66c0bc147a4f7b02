package models

import (
	"strconv"
	"strings"
)

// Block is a localized text block of a page, such as the intro paragraph
// of the twin-towns page. Its key is how pages and the website name it.
type Block struct {
	Meta     `bson:",inline"`
	BlockKey string    `json:"key" bson:"key"`
	Title    Localized `json:"title,omitempty" bson:"title,omitempty"`
	Body     Localized `json:"body" bson:"body"`
	Search   string    `json:"-" bson:"search"`
}

// Key is the block key.
func (b *Block) Key() string { return b.BlockKey }

// Normalize sanitizes the body.
func (b *Block) Normalize() {
	b.BlockKey = strings.TrimSpace(b.BlockKey)
	b.Search = searchText(b.BlockKey, allLocales(b.Title))
}

// Sanitize cleans the body.
func (b *Block) Sanitize(r Rules) { r.ImageOrigins.sanitizeLocalized(b.Body) }

// Validate checks the key and texts.
func (b *Block) Validate(r Rules) error {
	var pr Problems
	checkSlug(&pr, "key", b.BlockKey)
	b.Title.check(&pr, "title", r.Locales, false, maxTitleLen)
	b.Body.check(&pr, "body", r.Locales, true, maxRichTextLen)
	r.ImageOrigins.checkRichText(&pr, "body", b.Body)
	return pr.Err(ErrInvalid)
}

func itoa(i int) string { return strconv.Itoa(i) }
