package models

import "time"

// AccessibilityFactsVersion is the version of the checks behind
// AccessibilityFacts: documents checked by an older version are checked
// again by the background job (internal/a11y).
const AccessibilityFactsVersion = 1

// AccessibilityFacts are what the server read from a PDF about its
// accessibility (EN 301 549 clause 10, WCAG 2.1 applied to documents).
// They are derived from the file, never edited; nil until checked.
type AccessibilityFacts struct {
	Version   int       `json:"version" bson:"version"`
	CheckedAt time.Time `json:"checked_at" bson:"checked_at"`
	// Tool names the reader and its version ("poppler 22.12.0").
	Tool string `json:"tool" bson:"tool"`
	// Readable is false when the file could not be read as a PDF; the
	// other facts are then false.
	Readable bool `json:"readable" bson:"readable"`
	Pages    int  `json:"pages" bson:"pages"`
	// TextLayer: the first pages hold text a screen reader can read (not
	// only images of text).
	TextLayer bool `json:"text_layer" bson:"text_layer"`
	// Tagged: /MarkInfo /Marked true and a structure tree (/StructTreeRoot).
	Tagged bool `json:"tagged" bson:"tagged"`
	// Language is the document language the file declares (catalog /Lang,
	// else XMP dc:language); "" when none.
	Language string `json:"language,omitempty" bson:"language,omitempty"`
	// PDFUA and PDFA are the XMP claims (pdfuaid:part "1"; pdfaid
	// part+conformance "2B"); "" when not claimed.
	PDFUA string `json:"pdfua,omitempty" bson:"pdfua,omitempty"`
	PDFA  string `json:"pdfa,omitempty" bson:"pdfa,omitempty"`
	// Accessible is the summary: readable, text layer, tagged and a
	// declared language.
	Accessible bool `json:"accessible" bson:"accessible"`
	// Advice is plain advice to the editor, one entry per missing fact.
	Advice []Advice `json:"advice" bson:"advice"`
}

// Advice is one piece of plain advice, in Slovenian and English.
type Advice struct {
	// Fact names the missing fact: readable, text_layer, tagged, language.
	Fact string `json:"fact" bson:"fact"`
	SL   string `json:"sl" bson:"sl"`
	EN   string `json:"en" bson:"en"`
}

// adviceText is the advice per fact.
var adviceText = map[string]Advice{
	"readable": {SL: "Datoteke ni bilo mogoče prebrati kot PDF. Shranite jo znova iz izvornega programa in jo naložite še enkrat.",
		EN: "The file could not be read as a PDF. Save it again from the program that made it and upload it again."},
	"text_layer": {SL: "PDF nima besedila, samo slike strani (skeniran dokument). Bralnik zaslona ga ne more prebrati: dodajte prepoznavo besedila (OCR) ali priložite besedilno različico.",
		EN: "The PDF has no text, only images of its pages (a scan). A screen reader cannot read it: run text recognition (OCR) or attach a text version."},
	"tagged": {SL: "PDF ni označen (nima strukture naslovov, odstavkov in tabel). Izvozite ga iz urejevalnika z možnostjo »označen PDF« ali »dostopnost«.",
		EN: "The PDF is not tagged (it has no structure of headings, paragraphs and tables). Export it from the editor with the “tagged PDF” or accessibility option."},
	"language": {SL: "PDF ne navaja jezika besedila, zato ga bralnik zaslona lahko izgovori napačno. Jezik nastavite v lastnostih dokumenta pred izvozom.",
		EN: "The PDF does not declare the language of its text, so a screen reader may pronounce it wrongly. Set the language in the document's properties before exporting."},
}

// Finish fills the summary and the advice from the facts.
func (f *AccessibilityFacts) Finish() {
	f.Version = AccessibilityFactsVersion
	f.Advice = []Advice{}
	add := func(fact string, missing bool) {
		if missing {
			a := adviceText[fact]
			a.Fact = fact
			f.Advice = append(f.Advice, a)
		}
	}
	if !f.Readable {
		f.TextLayer, f.Tagged, f.Language, f.PDFUA, f.PDFA = false, false, "", "", ""
		add("readable", true)
	} else {
		add("text_layer", !f.TextLayer)
		add("tagged", !f.Tagged)
		add("language", f.Language == "")
	}
	f.Accessible = len(f.Advice) == 0
}

// Alternative is an accessible alternative of a document that the
// public site offers beside the original ("Besedilna različica"): another
// document (an accessible PDF), or the text extracted from the file
// itself as a plain-text version (Text). Exactly one of the two.
type Alternative struct {
	DocumentID string `json:"document_id,omitempty" bson:"document_id,omitempty"`
	Text       bool   `json:"text,omitempty" bson:"text,omitempty"`
}
