package a11y

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jesenice/twincms/models"
)

// SettingsStore keeps the statement's settings (storage.Settings).
// AccessibilityStatement: models.ErrNotFound before any are saved.
type SettingsStore interface {
	AccessibilityStatement(ctx context.Context) (*models.StatementSettings, error)
	SetAccessibilityStatement(ctx context.Context, s models.StatementSettings) error
}

// Records reads documents by id (storage.Documents; missing ids left out).
type Records interface {
	GetMany(ctx context.Context, ids []string) ([]*models.Document, error)
}

// Statement generates the accessibility statement from the editor's
// settings and the facts of the published documents.
type Statement struct {
	Settings  SettingsStore
	Documents Records
	// Published are the ids of the active documents published content
	// shows (publish.Publisher.Harvest).
	Published func() []string
	Locales   models.Locales
}

// Current returns the saved settings, or the defaults before any.
func (s *Statement) Current(ctx context.Context) (models.StatementSettings, error) {
	cur, err := s.Settings.AccessibilityStatement(ctx)
	if errors.Is(err, models.ErrNotFound) {
		return models.DefaultStatementSettings(models.Now()), nil
	}
	if err != nil {
		return models.StatementSettings{}, err
	}
	return *cur, nil
}

// Save validates and stores the settings. Errors: models.ErrInvalid with
// field problems, ErrUnavailable.
func (s *Statement) Save(ctx context.Context, in models.StatementSettings) (models.StatementSettings, error) {
	if err := in.Validate(s.Locales); err != nil {
		return models.StatementSettings{}, err
	}
	if err := s.Settings.SetAccessibilityStatement(ctx, in); err != nil {
		return models.StatementSettings{}, err
	}
	return in, nil
}

// PublicStatement is the statement as the public API serves it, in one
// language, sections in the order of the model statement.
type PublicStatement struct {
	// Locale is the statement's language: sl, or en for every other.
	Locale        string          `json:"locale"`
	Title         string          `json:"title"`
	Organisation  string          `json:"organisation"`
	Website       string          `json:"website"`
	Intro         []string        `json:"intro"`
	Standard      string          `json:"standard"`
	Status        StatementStatus `json:"status"`
	NonAccessible NonAccessible   `json:"non_accessible"`
	Preparation   Preparation     `json:"preparation"`
	Feedback      Feedback        `json:"feedback"`
	Enforcement   Enforcement     `json:"enforcement"`
	GeneratedAt   time.Time       `json:"generated_at"`
}

// StatementStatus is the declared conformance.
type StatementStatus struct {
	Code models.ConformanceStatus `json:"code"`
	Text string                   `json:"text"`
}

// NonAccessible lists the content that is not accessible, by reason.
type NonAccessible struct {
	// Explanation is the editor's own words ("" when none).
	Explanation string `json:"explanation,omitempty"`
	// NonCompliant are documents that fail a requirement and no
	// exemption applies.
	NonCompliantTitle string          `json:"non_compliant_title"`
	NonCompliant      []StatementItem `json:"non_compliant"`
	// Exempt are documents outside the Directive's scope (Art. 1(4)).
	ExemptTitle string          `json:"exempt_title"`
	Exempt      []StatementItem `json:"exempt"`
	// Unchecked counts published PDFs not checked yet; UncheckedText says
	// so ("" when none).
	Unchecked     int    `json:"unchecked"`
	UncheckedText string `json:"unchecked_text,omitempty"`
}

// StatementItem is one document that is not accessible.
type StatementItem struct {
	DocumentID string         `json:"document_id"`
	Title      string         `json:"title"`
	Kind       string         `json:"kind"`
	Published  time.Time      `json:"published"`
	Problems   []ItemProblem  `json:"problems"`
	Exemption  *ItemExemption `json:"exemption,omitempty"`
	// Alternative is the accessible alternative offered, if any.
	Alternative *ItemAlternative `json:"alternative,omitempty"`
}

// ItemProblem is one failed requirement.
type ItemProblem struct {
	Fact string `json:"fact"`
	Text string `json:"text"`
}

// ItemExemption names the Directive's exemption that applies.
type ItemExemption struct {
	Code models.Exemption `json:"code"`
	Text string           `json:"text"`
}

// ItemAlternative is the accessible alternative of a document.
type ItemAlternative struct {
	DocumentID string `json:"document_id"`
	Title      string `json:"title"`
}

// Preparation says when and how the statement was prepared.
type Preparation struct {
	PreparedOn string `json:"prepared_on"`
	ReviewedOn string `json:"reviewed_on"`
	Method     string `json:"method"`
	Text       string `json:"text"`
}

// Feedback is the contact for reports and requests.
type Feedback struct {
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
	Text  string `json:"text"`
}

// Enforcement is the enforcement procedure and body.
type Enforcement struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	URL     string `json:"url"`
	Address string `json:"address,omitempty"`
	Text    string `json:"text"`
}

// Public generates the statement in locale (sl; en for any other).
func (s *Statement) Public(ctx context.Context, locale string) (*PublicStatement, error) {
	lang := "en"
	if locale == "sl" {
		lang = "sl"
	}
	w := texts[lang]
	set, err := s.Current(ctx)
	if err != nil {
		return nil, err
	}
	chain := s.Locales.Chain(lang)
	text := func(l models.Localized) string { v, _ := l.Resolve(chain); return v }
	org := text(set.Organisation)
	st := &PublicStatement{Locale: lang, Title: w.title, Organisation: org, Website: set.Website,
		Intro: []string{fmt.Sprintf(w.intro, org), fmt.Sprintf(w.scope, set.Website)}, Standard: w.standard,
		Status: StatementStatus{Code: set.Conformance, Text: w.status[set.Conformance]},
		Preparation: Preparation{PreparedOn: set.PreparedOn, ReviewedOn: set.ReviewedOn, Method: set.Method,
			Text: fmt.Sprintf(w.prepared, set.PreparedOn, w.method[set.Method]) + " " + fmt.Sprintf(w.reviewed, set.ReviewedOn)},
		GeneratedAt: models.Now()}
	phone := ""
	if set.ContactPhone != "" {
		phone = fmt.Sprintf(w.phone, set.ContactPhone)
	}
	st.Feedback = Feedback{Email: set.ContactEmail, Phone: set.ContactPhone, Text: fmt.Sprintf(w.feedback, set.ContactEmail, phone)}
	name := text(set.Enforcement.Name)
	st.Enforcement = Enforcement{Name: name, Email: set.Enforcement.Email, URL: set.Enforcement.URL, Address: set.Enforcement.Address,
		Text: fmt.Sprintf(w.enforcement, name, set.Enforcement.Email, set.Enforcement.URL)}
	na, err := s.nonAccessible(ctx, w, text)
	if err != nil {
		return nil, err
	}
	na.Explanation = text(set.Explanation)
	st.NonAccessible = na
	return st, nil
}

// nonAccessible lists the published documents that are not accessible,
// split by whether an exemption applies.
func (s *Statement) nonAccessible(ctx context.Context, w words, text func(models.Localized) string) (NonAccessible, error) {
	na := NonAccessible{NonCompliantTitle: w.nonCompliant, ExemptTitle: w.exempt, NonCompliant: []StatementItem{}, Exempt: []StatementItem{}}
	ids := s.Published()
	docs, err := s.Documents.GetMany(ctx, ids)
	if err != nil {
		return na, err
	}
	byID := map[string]*models.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	var alts []string
	for _, d := range docs {
		if d.Alternative != nil && d.Alternative.DocumentID != "" && byID[d.Alternative.DocumentID] == nil {
			alts = append(alts, d.Alternative.DocumentID)
		}
	}
	if len(alts) > 0 {
		more, err := s.Documents.GetMany(ctx, alts)
		if err != nil {
			return na, err
		}
		for _, d := range more {
			byID[d.ID] = d
		}
	}
	for _, d := range docs {
		if d.Status != models.DocumentActive || d.Kind == models.KindCrest {
			continue // crests: alt text is required to publish them
		}
		var facts []string
		switch {
		case d.File.ContentType == models.TypePDF && d.Accessibility == nil:
			na.Unchecked++
			continue
		case d.File.ContentType == models.TypePDF:
			for _, a := range d.Accessibility.Advice {
				facts = append(facts, a.Fact)
			}
		default:
			facts = []string{"image"}
		}
		if len(facts) == 0 {
			continue
		}
		it := StatementItem{DocumentID: d.ID, Title: text(d.Title), Kind: string(d.Kind), Published: d.CreatedAt, Problems: []ItemProblem{}}
		for _, f := range facts {
			it.Problems = append(it.Problems, ItemProblem{Fact: f, Text: w.problem[f]})
		}
		if d.Alternative != nil && d.Alternative.Text {
			it.Alternative = &ItemAlternative{DocumentID: d.ID, Title: w.textVersion}
		} else if d.Alternative != nil {
			if a := byID[d.Alternative.DocumentID]; a != nil && a.Status == models.DocumentActive {
				it.Alternative = &ItemAlternative{DocumentID: a.ID, Title: text(a.Title)}
			}
		}
		if ex := models.ExemptionOf(d, d.CreatedAt); ex != "" {
			it.Exemption = &ItemExemption{Code: ex, Text: w.exemption[ex]}
			na.Exempt = append(na.Exempt, it)
		} else {
			na.NonCompliant = append(na.NonCompliant, it)
		}
	}
	for _, l := range [][]StatementItem{na.NonCompliant, na.Exempt} {
		sort.Slice(l, func(i, j int) bool { return l[i].Title < l[j].Title })
	}
	if na.Unchecked > 0 {
		na.UncheckedText = fmt.Sprintf(w.unchecked, na.Unchecked)
	}
	return na, nil
}
