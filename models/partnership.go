package models

import (
	"net/url"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Partnership is one partner municipality and Jesenice's relation with it:
// everything one entry of the twin-towns page shows, in one document so a
// change is atomic without transactions.
type Partnership struct {
	Meta       `bson:",inline"`
	Slug       string        `json:"slug" bson:"slug"`
	Relation   Relation      `json:"relation" bson:"relation"`
	Partner    Partner       `json:"partner" bson:"partner"`
	Agreements []Agreement   `json:"agreements" bson:"agreements"`
	Areas      []string      `json:"areas" bson:"areas"`
	Summary    Localized     `json:"summary,omitempty" bson:"summary,omitempty"`
	Body       Localized     `json:"body,omitempty" bson:"body,omitempty"`
	CrestID    string        `json:"crest_id,omitempty" bson:"crest_id,omitempty"`
	Documents  []DocumentRef `json:"documents" bson:"documents"`
	Sort       int           `json:"sort" bson:"sort"`
	// NameKey orders partnerships by their Slovenian name (see SortKey).
	NameKey string `json:"-" bson:"name_key"`
	// Search is the folded text the list's q filter matches.
	Search string `json:"-" bson:"search"`
}

// Partner describes the partner municipality itself.
type Partner struct {
	Name         Localized `json:"name" bson:"name"`
	OfficialName Localized `json:"official_name,omitempty" bson:"official_name,omitempty"`
	Country      string    `json:"country" bson:"country"`
	Website      string    `json:"website,omitempty" bson:"website,omitempty"`
}

// Agreement is one signed document of the relation.
type Agreement struct {
	Kind       AgreementKind `json:"kind" bson:"kind"`
	Title      Localized     `json:"title" bson:"title"`
	Year       int           `json:"year" bson:"year"`
	Date       string        `json:"date,omitempty" bson:"date,omitempty"`
	Parties    Localized     `json:"parties,omitempty" bson:"parties,omitempty"`
	DocumentID string        `json:"document_id,omitempty" bson:"document_id,omitempty"`
}

// DocumentRole says what a linked document is to the partnership.
type DocumentRole string

// Document roles.
const (
	RoleAgreementDoc DocumentRole = "agreement"
	RoleOverview     DocumentRole = "overview"
	RolePublication  DocumentRole = "publication"
)

// DocumentRef links a document to a partnership in page order.
type DocumentRef struct {
	DocumentID string       `json:"document_id" bson:"document_id"`
	Role       DocumentRole `json:"role" bson:"role"`
}

// Key is the slug.
func (p *Partnership) Key() string { return p.Slug }

// Normalize sanitizes rich text, tidies values and computes the name key.
func (p *Partnership) Normalize() {
	p.Slug = strings.TrimSpace(p.Slug)
	p.Partner.Country = strings.ToUpper(strings.TrimSpace(p.Partner.Country))
	p.Partner.Website = strings.TrimSpace(p.Partner.Website)
	if p.Agreements == nil {
		p.Agreements = []Agreement{}
	}
	if p.Areas == nil {
		p.Areas = []string{}
	}
	if p.Documents == nil {
		p.Documents = []DocumentRef{}
	}
	name, _ := p.Partner.Name.Resolve([]string{"sl", "en"})
	p.NameKey = SortKey(name)
	p.Search = searchText(p.Slug, allLocales(p.Partner.Name), allLocales(p.Partner.OfficialName), p.Partner.Country)
}

// Sanitize cleans the rich text fields.
func (p *Partnership) Sanitize(r Rules) {
	r.ImageOrigins.sanitizeLocalized(p.Summary)
	r.ImageOrigins.sanitizeLocalized(p.Body)
}

// Limits on partnership text, generous for the page's longest paragraph.
const (
	maxNameLen     = 200
	maxTitleLen    = 300
	maxRichTextLen = 20000
	maxListLen     = 50
)

// Validate checks every field rule and reports all problems at once.
func (p *Partnership) Validate(r Rules) error {
	l := r.Locales
	var pr Problems
	checkSlug(&pr, "slug", p.Slug)
	if _, ok := FindTerm(Relations, string(p.Relation)); !ok {
		pr.Add("relation", "must be one of twin, partner, friendship, cross_border")
	}
	p.Partner.Name.check(&pr, "partner.name", l, true, maxNameLen)
	p.Partner.OfficialName.check(&pr, "partner.official_name", l, false, maxNameLen)
	if !ValidCountry(p.Partner.Country) {
		pr.Add("partner.country", "must be an ISO 3166-1 alpha-2 country code")
	}
	if p.Partner.Website != "" {
		if problem := checkWebURL(p.Partner.Website); problem != "" {
			pr.Add("partner.website", "%s", problem)
		}
	}
	if len(p.Agreements) > maxListLen {
		pr.Add("agreements", "at most %d entries", maxListLen)
	}
	for i, a := range p.Agreements {
		a.check(&pr, FieldIndex("agreements", i), l)
	}
	seen := map[string]bool{}
	for i, a := range p.Areas {
		if _, ok := FindTerm(Areas, a); !ok {
			pr.Add(FieldIndex("areas", i), "unknown area %q", a)
		} else if seen[a] {
			pr.Add(FieldIndex("areas", i), "area %q is listed twice", a)
		}
		seen[a] = true
	}
	p.Summary.check(&pr, "summary", l, false, maxRichTextLen)
	r.ImageOrigins.checkRichText(&pr, "summary", p.Summary)
	p.Body.check(&pr, "body", l, false, maxRichTextLen)
	r.ImageOrigins.checkRichText(&pr, "body", p.Body)
	if p.CrestID != "" && !ValidID(p.CrestID) {
		pr.Add("crest_id", "must be a document id")
	}
	if len(p.Documents) > maxListLen {
		pr.Add("documents", "at most %d entries", maxListLen)
	}
	for i, d := range p.Documents {
		if !ValidID(d.DocumentID) {
			pr.Add(FieldIndex("documents", i)+".document_id", "must be a document id")
		}
		switch d.Role {
		case RoleAgreementDoc, RoleOverview, RolePublication:
		default:
			pr.Add(FieldIndex("documents", i)+".role", "must be agreement, overview or publication")
		}
	}
	if p.Sort < 0 || p.Sort > 1_000_000 {
		pr.Add("sort", "must be between 0 and 1000000")
	}
	return pr.Err(ErrInvalid)
}

func (a Agreement) check(pr *Problems, field string, l Locales) {
	if _, ok := FindTerm(AgreementKinds, string(a.Kind)); !ok {
		pr.Add(field+".kind", "must be one of charter, cooperation_agreement, partnership_agreement, cross_border_agreement")
	}
	a.Title.check(pr, field+".title", l, true, maxTitleLen)
	a.Parties.check(pr, field+".parties", l, false, maxTitleLen)
	now := time.Now().Year()
	if a.Year < 1900 || a.Year > now {
		pr.Add(field+".year", "must be between 1900 and %d", now)
	}
	if a.Date != "" {
		d, err := time.Parse(time.DateOnly, a.Date)
		switch {
		case err != nil:
			pr.Add(field+".date", "must be a date as YYYY-MM-DD")
		case d.Year() != a.Year:
			pr.Add(field+".date", "must fall in the agreement's year %d", a.Year)
		}
	}
	if a.DocumentID != "" && !ValidID(a.DocumentID) {
		pr.Add(field+".document_id", "must be a document id")
	}
}

// ValidCountry reports whether code is an assigned ISO 3166-1 alpha-2 code.
func ValidCountry(code string) bool {
	if len(code) != 2 {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// checkWebURL accepts absolute http and https URLs with a host only.
func checkWebURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || len(s) > 500:
		return "must be an absolute http or https URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must use http or https"
	case u.Host == "" || u.User != nil:
		return "must be an absolute URL with a host and no credentials"
	}
	return ""
}

// FieldIndex names element i of a list field in a problem: "documents[2]".
func FieldIndex(field string, i int) string {
	return field + "[" + itoa(i) + "]"
}
