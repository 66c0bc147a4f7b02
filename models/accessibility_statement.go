package models

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ConformanceStatus is a website's conformance with ZDSMA / EN 301 549.
type ConformanceStatus string

// The three statuses of the model statement.
const (
	ConformanceFull    ConformanceStatus = "full"
	ConformancePartial ConformanceStatus = "partial"
	ConformanceNone    ConformanceStatus = "none"
)

// StatementSettings are the editor's words of the accessibility statement
// ("izjava o dostopnosti"): what the data cannot say. The list of content
// that is not accessible is generated from the documents (internal/a11y).
type StatementSettings struct {
	// Conformance is the status the organisation declares.
	Conformance ConformanceStatus `json:"conformance" bson:"conformance"`
	// Organisation is the body the website belongs to ("Občina Jesenice").
	Organisation Localized `json:"organisation" bson:"organisation"`
	// Website is the address the statement covers.
	Website string `json:"website" bson:"website"`
	// Explanation is the editor's own words on what is not accessible and
	// why, and the accessible alternatives offered (optional).
	Explanation Localized `json:"explanation,omitempty" bson:"explanation,omitempty"`
	// Method is how the statement was prepared: self_assessment or
	// third_party.
	Method string `json:"method" bson:"method"`
	// PreparedOn and ReviewedOn are dates (YYYY-MM-DD): the statement's
	// first preparation and its last review.
	PreparedOn string `json:"prepared_on" bson:"prepared_on"`
	ReviewedOn string `json:"reviewed_on" bson:"reviewed_on"`
	// ContactEmail and ContactPhone are where users report
	// inaccessibility and ask for accessible versions.
	ContactEmail string `json:"contact_email" bson:"contact_email"`
	ContactPhone string `json:"contact_phone,omitempty" bson:"contact_phone,omitempty"`
	// Enforcement is the enforcement body and its procedure.
	Enforcement EnforcementBody `json:"enforcement" bson:"enforcement"`
}

// EnforcementBody is where a user turns when the answer to their feedback
// is unsatisfactory (ZDSMA: the information society inspectorate).
type EnforcementBody struct {
	Name    Localized `json:"name" bson:"name"`
	Address string    `json:"address,omitempty" bson:"address,omitempty"`
	Email   string    `json:"email" bson:"email"`
	URL     string    `json:"url" bson:"url"`
}

// DefaultStatementSettings are the settings before an editor saves any:
// Občina Jesenice's statement with the inspectorate of ZDSMA, partially
// conformant, never reviewed (dates the day it is first shown).
func DefaultStatementSettings(today time.Time) StatementSettings {
	d := today.Format(time.DateOnly)
	return StatementSettings{Conformance: ConformancePartial,
		Organisation: Localized{"sl": "Občina Jesenice", "en": "Municipality of Jesenice"},
		Website:      "https://www.jesenice.si/", Method: "self_assessment", PreparedOn: d, ReviewedOn: d,
		ContactEmail: "obcina.jesenice@jesenice.si",
		Enforcement: EnforcementBody{Name: Localized{"sl": "Inšpektorat za informacijsko družbo", "en": "Information Society Inspectorate"},
			Email: "gp.irsid@gov.si", URL: "https://www.gov.si/drzavni-organi/organi-v-sestavi/inspektorat-za-informacijsko-druzbo/"}}
}

// Validate checks the settings.
func (s StatementSettings) Validate(l Locales) error {
	var p Problems
	switch s.Conformance {
	case ConformanceFull, ConformancePartial, ConformanceNone:
	default:
		p.Add("conformance", "must be full, partial or none")
	}
	s.Organisation.check(&p, "organisation", l, true, 300)
	s.Explanation.check(&p, "explanation", l, false, 5000)
	s.Enforcement.Name.check(&p, "enforcement.name", l, true, 300)
	if problem := checkWebURL(s.Website); problem != "" {
		p.Add("website", "%s", problem)
	}
	if problem := checkWebURL(s.Enforcement.URL); problem != "" {
		p.Add("enforcement.url", "%s", problem)
	}
	if s.Method != "self_assessment" && s.Method != "third_party" {
		p.Add("method", "must be self_assessment or third_party")
	}
	for field, v := range map[string]string{"prepared_on": s.PreparedOn, "reviewed_on": s.ReviewedOn} {
		if t, err := time.Parse(time.DateOnly, v); err != nil || len(v) != 10 {
			p.Add(field, "must be a date YYYY-MM-DD")
		} else if t.After(time.Now().Add(24 * time.Hour)) {
			p.Add(field, "must not be in the future")
		}
	}
	if s.PreparedOn > s.ReviewedOn && len(s.ReviewedOn) == 10 {
		p.Add("reviewed_on", "must not be before prepared_on")
	}
	for field, v := range map[string]string{"contact_email": s.ContactEmail, "enforcement.email": s.Enforcement.Email} {
		if !validEmail(v) {
			p.Add(field, "must be an e-mail address")
		}
	}
	if s.ContactPhone != "" && (utf8.RuneCountInString(s.ContactPhone) > 40 || strings.Trim(s.ContactPhone, "+0123456789 ()/-") != "") {
		p.Add("contact_phone", "must be a telephone number")
	}
	if utf8.RuneCountInString(s.Enforcement.Address) > 300 {
		p.Add("enforcement.address", "is longer than 300 characters")
	}
	return p.Err(ErrInvalid)
}

// Exemption is an EU Directive 2016/2102 Art. 1(4) exemption of content
// from the accessibility requirements.
type Exemption string

// The exemptions that apply to an archive of documents.
const (
	// ExemptionOfficeFile: Art. 1(4)(a), office file formats published
	// before 23 September 2018 (unless needed for active administrative
	// processes).
	ExemptionOfficeFile Exemption = "office_file_before_2018"
	// ExemptionHeritage: Art. 1(4)(e), reproductions of items in heritage
	// collections that cannot be made fully accessible.
	ExemptionHeritage Exemption = "heritage_reproduction"
)

// DirectiveCutoff is 23 September 2018, the day before which office files
// published stay exempt.
var DirectiveCutoff = time.Date(2018, 9, 23, 0, 0, 0, 0, time.UTC)

// ExemptionOf is the exemption that applies to a document that is not
// accessible, "" for none: an office file (PDF) published before the
// cutoff, else a scan, or a charter without text, as a reproduction of
// an item of the municipality's heritage collection.
func ExemptionOf(d *Document, published time.Time) Exemption {
	switch {
	case d.File.ContentType == TypePDF && !published.IsZero() && published.Before(DirectiveCutoff):
		return ExemptionOfficeFile
	case d.Kind == KindScan:
		return ExemptionHeritage
	case d.Kind == KindCharter && (d.Accessibility == nil || !d.Accessibility.TextLayer):
		return ExemptionHeritage
	}
	return ""
}
