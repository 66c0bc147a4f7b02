package models

import "strings"

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
func (p *ContentPage) Sanitize(Rules) {}

// Validate checks the slug, title and block keys.
func (p *ContentPage) Validate(r Rules) error {
	var pr Problems
	checkSlug(&pr, "slug", p.Slug)
	p.Title.check(&pr, "title", r.Locales, true, maxTitleLen)
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
