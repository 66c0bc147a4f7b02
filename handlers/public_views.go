package handlers

import "github.com/jesenice/twincms/models"

// localizer resolves localized fields for one request locale and records
// which locale each field's text came from.
type localizer struct {
	locale string
	chain  []string
	from   map[string]string
}

func newLocalizer(l models.Locales, locale string) *localizer {
	return &localizer{locale: locale, chain: l.Chain(locale), from: map[string]string{}}
}

func (z *localizer) text(field string, t models.Localized) string {
	v, from := t.Resolve(z.chain)
	if from != "" {
		z.from[field] = from
	}
	return v
}

func (z *localizer) term(vocabulary []models.Term, code string) publicTerm {
	t, _ := models.FindTerm(vocabulary, code)
	v, _ := t.Labels.Resolve(z.chain)
	return publicTerm{Code: code, Label: v}
}

// publicTerm is a vocabulary value with its label in the request locale.
type publicTerm struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

type publicAgreement struct {
	Kind    publicTerm `json:"kind"`
	Title   string     `json:"title"`
	Year    int        `json:"year"`
	Date    string     `json:"date,omitempty"`
	Parties string     `json:"parties,omitempty"`
}

// publicPartnership is a published partnership in one locale.
type publicPartnership struct {
	Slug         string            `json:"slug"`
	Relation     publicTerm        `json:"relation"`
	Name         string            `json:"name"`
	OfficialName string            `json:"official_name,omitempty"`
	Country      string            `json:"country"`
	Website      string            `json:"website,omitempty"`
	Agreements   []publicAgreement `json:"agreements"`
	Areas        []publicTerm      `json:"areas"`
	Summary      string            `json:"summary,omitempty"`
	Body         string            `json:"body,omitempty"`
	Crest        *publicCrest      `json:"crest"`
	Documents    []publicDocument  `json:"documents"`
	Locale       string            `json:"locale"`
	FieldLocales map[string]string `json:"field_locales"`
}

// viewPartnership renders p in locale with signed links to its active
// documents; withdrawn or missing documents are left out.
func viewPartnership(l models.Locales, locale string, p *models.Partnership, s *snapshot, ln *linker) publicPartnership {
	z := newLocalizer(l, locale)
	v := publicPartnership{
		Slug: p.Slug, Relation: z.term(models.Relations, string(p.Relation)),
		Name: z.text("name", p.Partner.Name), OfficialName: z.text("official_name", p.Partner.OfficialName),
		Country: p.Partner.Country, Website: p.Partner.Website,
		Agreements: make([]publicAgreement, len(p.Agreements)), Areas: make([]publicTerm, len(p.Areas)),
		Summary: z.text("summary", p.Summary), Body: z.text("body", p.Body), Locale: locale,
	}
	for i, a := range p.Agreements {
		f := fieldIndex("agreements", i)
		v.Agreements[i] = publicAgreement{Kind: z.term(models.AgreementKinds, string(a.Kind)),
			Title: z.text(f+".title", a.Title), Year: a.Year, Date: a.Date, Parties: z.text(f+".parties", a.Parties)}
	}
	for i, code := range p.Areas {
		v.Areas[i] = z.term(models.Areas, code)
	}
	if d, ok := s.documents[p.CrestID]; ok {
		v.Crest = ln.crest(z, d)
	}
	v.Documents = []publicDocument{}
	for i, ref := range p.Documents {
		d, ok := s.documents[ref.DocumentID]
		if !ok {
			continue
		}
		v.Documents = append(v.Documents, ln.document(z, fieldIndex("documents", i), d, string(ref.Role)))
	}
	v.FieldLocales = z.from
	return v
}

type publicBlock struct {
	Key          string            `json:"key"`
	Title        string            `json:"title,omitempty"`
	Body         string            `json:"body"`
	Locale       string            `json:"locale"`
	FieldLocales map[string]string `json:"field_locales"`
}

func viewBlock(l models.Locales, locale string, b *models.Block) publicBlock {
	z := newLocalizer(l, locale)
	v := publicBlock{Key: b.BlockKey, Title: z.text("title", b.Title), Body: z.text("body", b.Body), Locale: locale}
	v.FieldLocales = z.from
	return v
}

type publicPage struct {
	Slug         string              `json:"slug"`
	Title        string              `json:"title"`
	Blocks       []publicBlock       `json:"blocks"`
	Partnerships []publicPartnership `json:"partnerships"`
	Locale       string              `json:"locale"`
	FieldLocales map[string]string   `json:"field_locales"`
}

func viewPage(l models.Locales, locale string, s *snapshot, p *models.ContentPage, ln *linker) publicPage {
	z := newLocalizer(l, locale)
	v := publicPage{Slug: p.Slug, Title: z.text("title", p.Title), Blocks: []publicBlock{}, Partnerships: []publicPartnership{}, Locale: locale}
	for _, key := range p.Blocks {
		// A block that is not published is left out, like a draft anywhere.
		if b, ok := s.blocks[key]; ok {
			v.Blocks = append(v.Blocks, viewBlock(l, locale, b))
		}
	}
	if p.Partnerships {
		for _, it := range s.partnerships {
			v.Partnerships = append(v.Partnerships, viewPartnership(l, locale, it, s, ln))
		}
	}
	v.FieldLocales = z.from
	return v
}

func fieldIndex(field string, i int) string {
	return field + "[" + itoaInt(i) + "]"
}
