package publish

import (
	"strconv"
	"time"

	"github.com/jesenice/twincms/models"
)

// renderer builds the public views of one body from one snapshot: it
// resolves localized fields, signs links, and notes the latest change of
// anything it shows (the body's Last-Modified).
type renderer struct {
	locales  models.Locales
	locale   string
	s        *snapshot
	ln       linker
	modified time.Time
	// cache and key, when set, are where done keeps the body.
	cache *windowCache
	key   cacheKey
}

func (r *renderer) saw(t time.Time) {
	if t.After(r.modified) {
		r.modified = t
	}
}

// localizer resolves localized fields for one view and records which
// locale each field's text came from.
type localizer struct {
	chain []string
	from  map[string]string
}

func (r *renderer) localizer() *localizer {
	return &localizer{chain: r.locales.Chain(r.locale), from: map[string]string{}}
}

func (z *localizer) text(field string, t models.Localized) string {
	v, from := t.Resolve(z.chain)
	if from != "" {
		z.from[field] = from
	}
	return v
}

func (z *localizer) term(vocabulary []models.Term, code string) PublicTerm {
	t, _ := models.FindTerm(vocabulary, code)
	v, _ := t.Labels.Resolve(z.chain)
	return PublicTerm{Code: code, Label: v}
}

// PublicTerm is a vocabulary value with its label in the request locale.
type PublicTerm struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

type PublicAgreement struct {
	Kind    PublicTerm `json:"kind"`
	Title   string     `json:"title"`
	Year    int        `json:"year"`
	Date    string     `json:"date,omitempty"`
	Parties string     `json:"parties,omitempty"`
	// Document is the agreement's text when the editor linked one and it
	// is active (role "agreement"); null otherwise.
	Document *PublicDocument `json:"document"`
}

// PublicPartnership is a published partnership in one locale.
type PublicPartnership struct {
	Slug         string            `json:"slug"`
	Relation     PublicTerm        `json:"relation"`
	Name         string            `json:"name"`
	OfficialName string            `json:"official_name,omitempty"`
	Country      string            `json:"country"`
	Website      string            `json:"website,omitempty"`
	Agreements   []PublicAgreement `json:"agreements"`
	Areas        []PublicTerm      `json:"areas"`
	Summary      string            `json:"summary,omitempty"`
	Body         string            `json:"body,omitempty"`
	Crest        *PublicCrest      `json:"crest"`
	Documents    []PublicDocument  `json:"documents"`
	Locale       string            `json:"locale"`
	FieldLocales map[string]string `json:"field_locales"`
}

// partnership renders p with signed links to its active documents;
// withdrawn or missing documents are left out.
func (r *renderer) partnership(p *models.Partnership) PublicPartnership {
	r.saw(p.UpdatedAt)
	z := r.localizer()
	v := PublicPartnership{
		Slug: p.Slug, Relation: z.term(models.Relations, string(p.Relation)),
		Name: z.text("name", p.Partner.Name), OfficialName: z.text("official_name", p.Partner.OfficialName),
		Country: p.Partner.Country, Website: p.Partner.Website,
		Agreements: make([]PublicAgreement, len(p.Agreements)), Areas: make([]PublicTerm, len(p.Areas)),
		Summary: z.text("summary", p.Summary), Body: z.text("body", p.Body), Locale: r.locale,
	}
	for i, a := range p.Agreements {
		f := fieldIndex("agreements", i)
		v.Agreements[i] = PublicAgreement{Kind: z.term(models.AgreementKinds, string(a.Kind)),
			Title: z.text(f+".title", a.Title), Year: a.Year, Date: a.Date, Parties: z.text(f+".parties", a.Parties)}
		if d := r.s.activeDocument(a.DocumentID); d != nil {
			doc := r.document(z, f+".document", d, string(models.RoleAgreementDoc))
			v.Agreements[i].Document = &doc
		}
	}
	for i, code := range p.Areas {
		v.Areas[i] = z.term(models.Areas, code)
	}
	if d := r.s.activeDocument(p.CrestID); d != nil {
		v.Crest = r.crest(z, d)
	}
	v.Documents = []PublicDocument{}
	for i, ref := range p.Documents {
		if d := r.s.activeDocument(ref.DocumentID); d != nil {
			v.Documents = append(v.Documents, r.document(z, fieldIndex("documents", i), d, string(ref.Role)))
		}
	}
	v.FieldLocales = z.from
	return v
}

type PublicBlock struct {
	Key          string            `json:"key"`
	Title        string            `json:"title,omitempty"`
	Body         string            `json:"body"`
	Locale       string            `json:"locale"`
	FieldLocales map[string]string `json:"field_locales"`
}

func (r *renderer) block(b *models.Block) PublicBlock {
	r.saw(b.UpdatedAt)
	z := r.localizer()
	v := PublicBlock{Key: b.BlockKey, Title: z.text("title", b.Title), Body: z.text("body", b.Body), Locale: r.locale}
	v.FieldLocales = z.from
	return v
}

type PublicPage struct {
	Slug         string              `json:"slug"`
	Title        string              `json:"title"`
	Blocks       []PublicBlock       `json:"blocks"`
	Partnerships []PublicPartnership `json:"partnerships"`
	Locale       string              `json:"locale"`
	FieldLocales map[string]string   `json:"field_locales"`
}

func (r *renderer) page(p *models.ContentPage) PublicPage {
	r.saw(p.UpdatedAt)
	z := r.localizer()
	v := PublicPage{Slug: p.Slug, Title: z.text("title", p.Title), Blocks: []PublicBlock{}, Partnerships: []PublicPartnership{}, Locale: r.locale}
	for _, key := range p.Blocks {
		// A block that is not published is left out, like a draft anywhere.
		if b, ok := r.s.blocks[key]; ok {
			v.Blocks = append(v.Blocks, r.block(b))
		}
	}
	if p.Partnerships {
		v.Partnerships = r.partnerships()
	}
	v.FieldLocales = z.from
	return v
}

// partnerships renders every published partnership in page order.
func (r *renderer) partnerships() []PublicPartnership {
	items := make([]PublicPartnership, len(r.s.partnerships))
	for i, p := range r.s.partnerships {
		items[i] = r.partnership(p)
	}
	return items
}

func fieldIndex(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}

// PublicDocument is a downloadable document as the website shows it.
type PublicDocument struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	Role        string    `json:"role,omitempty"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Filename    string    `json:"filename"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expires_at"`
	// Description is the editor's description in the request locale
	// (with fallback).
	Description string `json:"description,omitempty"`
	// Alternative is the accessible alternative the editor attached (a
	// text version, an accessible PDF), to offer beside the original.
	Alternative *PublicAlternative `json:"alternative,omitempty"`
}

// PublicAlternative is a document's accessible alternative: another
// document (kind "document", a signed file link) or the document's own
// extracted text (kind "text", GET /public/documents/{id}/text).
type PublicAlternative struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Label is what the site calls it: "Besedilna različica" in Slovenian.
	Label       string     `json:"label"`
	Title       string     `json:"title"`
	Size        int64      `json:"size,omitempty"`
	ContentType string     `json:"content_type"`
	Filename    string     `json:"filename,omitempty"`
	URL         string     `json:"url"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// alternativeLabels name an accessible alternative per language; other
// locales get the English one.
var alternativeLabels = map[string]string{"sl": "Besedilna različica", "en": "Text version", "de": "Textfassung",
	"it": "Versione testuale", "hr": "Tekstualna verzija", "sr": "Tekstualna verzija"}

func alternativeLabel(locale string) string {
	if l, ok := alternativeLabels[locale]; ok {
		return l
	}
	return alternativeLabels["en"]
}

// PublicImage is one rendition of a crest.
type PublicImage struct {
	URL         string `json:"url"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
}

// PublicCrest is a partner's crest with its web renditions.
type PublicCrest struct {
	Title string `json:"title"`
	// Alt is the text alternative in the request locale (with fallback);
	// "" when the image is decorative, which Decorative then says.
	Alt        string                 `json:"alt"`
	Decorative bool                   `json:"decorative"`
	Renditions map[string]PublicImage `json:"renditions"`
	ExpiresAt  time.Time              `json:"expires_at"`
}

func (r *renderer) document(z *localizer, field string, d *models.Document, role string) PublicDocument {
	r.saw(d.UpdatedAt)
	return PublicDocument{ID: d.ID, Title: z.text(field+".title", d.Title), Kind: string(d.Kind), Role: role, Size: d.File.Size,
		ContentType: d.File.ContentType, Filename: d.File.OriginalFilename, URL: r.ln.link(d.ID, ""), ExpiresAt: r.ln.expires,
		Description: z.text(field+".description", d.Description), Alternative: r.alternative(z, field, d)}
}

// alternative is d's accessible alternative, when it is published and
// active.
func (r *renderer) alternative(z *localizer, field string, d *models.Document) *PublicAlternative {
	if d.Alternative == nil {
		return nil
	}
	if d.Alternative.Text {
		// The extracted text as a plain-text version (checked to exist
		// when the editor chose it).
		if d.Text != nil && (d.Text.Status == models.TextNone || d.Text.Status == models.TextFailed || d.Text.Status == models.TextUnavailable) {
			return nil
		}
		return &PublicAlternative{ID: d.ID, Kind: "text", Label: alternativeLabel(r.locale), Title: z.text(field+".alternative.title", d.Title),
			ContentType: "text/plain; charset=utf-8", URL: r.ln.base + "/api/v1/public/documents/" + d.ID + "/text"}
	}
	a := r.s.activeDocument(d.Alternative.DocumentID)
	if a == nil {
		return nil
	}
	r.saw(a.UpdatedAt)
	exp := r.ln.expires
	return &PublicAlternative{ID: a.ID, Kind: "document", Label: alternativeLabel(r.locale), Title: z.text(field+".alternative.title", a.Title),
		Size: a.File.Size, ContentType: a.File.ContentType, Filename: a.File.OriginalFilename, URL: r.ln.link(a.ID, ""), ExpiresAt: &exp}
}

func (r *renderer) crest(z *localizer, d *models.Document) *PublicCrest {
	r.saw(d.UpdatedAt)
	c := &PublicCrest{Title: z.text("crest.title", d.Title), Decorative: d.Decorative, Renditions: map[string]PublicImage{}, ExpiresAt: r.ln.expires}
	if !d.Decorative {
		c.Alt = z.text("crest.alt", d.Alt)
	}
	for _, rd := range d.Renditions {
		c.Renditions[rd.Name] = PublicImage{URL: r.ln.link(d.ID, rd.Name), Width: rd.Width, Height: rd.Height, ContentType: rd.ContentType}
	}
	return c
}
