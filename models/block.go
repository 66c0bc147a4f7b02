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
func (b *Block) Sanitize() { sanitizeLocalized(b.Body) }

// Validate checks the key and texts.
func (b *Block) Validate(l Locales) error {
	var pr Problems
	if !ValidSlug(b.BlockKey) {
		pr.Add("key", "must be 1 to 80 characters of a-z, 0-9 and single hyphens")
	}
	b.Title.check(&pr, "title", l, false, maxTitleLen)
	b.Body.check(&pr, "body", l, true, maxRichTextLen)
	checkRichText(&pr, "body", b.Body)
	return pr.Err(ErrInvalid)
}

// ContentPage composes a page of the website: its title, its blocks in
// order and, when asked, the published partnerships in their sort order.
type ContentPage struct {
	Meta         `bson:",inline"`
	Slug         string    `json:"slug" bson:"slug"`
	Title        Localized `json:"title" bson:"title"`
	Blocks       []string  `json:"blocks" bson:"blocks"`
	Partnerships bool      `json:"partnerships" bson:"partnerships"`
	Search       string    `json:"-" bson:"search"`
}

// Key is the slug.
func (p *ContentPage) Key() string { return p.Slug }

// Normalize fills empty lists.
func (p *ContentPage) Normalize() {
	p.Slug = strings.TrimSpace(p.Slug)
	if p.Blocks == nil {
		p.Blocks = []string{}
	}
	p.Search = searchText(p.Slug, allLocales(p.Title))
}

// Sanitize has nothing to clean: page titles are plain text.
func (p *ContentPage) Sanitize() {}

// Validate checks the slug, title and block keys.
func (p *ContentPage) Validate(l Locales) error {
	var pr Problems
	if !ValidSlug(p.Slug) {
		pr.Add("slug", "must be 1 to 80 characters of a-z, 0-9 and single hyphens")
	}
	p.Title.check(&pr, "title", l, true, maxTitleLen)
	if len(p.Blocks) > maxListLen {
		pr.Add("blocks", "at most %d entries", maxListLen)
	}
	for i, k := range p.Blocks {
		if !ValidSlug(k) {
			pr.Add(FieldIndex("blocks", i), "must be a block key")
		}
	}
	return pr.Err(ErrInvalid)
}

func itoa(i int) string { return strconv.Itoa(i) }
