package models

import (
	"testing"
	"time"
)

// The Directive's exemption follows the publication date and the kind: an
// office file (PDF) published before 23 September 2018, else a scan (or a
// charter without text) as a heritage reproduction.
func TestExemptionOf(t *testing.T) {
	before, after := time.Date(2018, 9, 22, 23, 0, 0, 0, time.UTC), DirectiveCutoff
	text := &AccessibilityFacts{Readable: true, TextLayer: true}
	cases := []struct {
		kind      DocumentKind
		ct        string
		facts     *AccessibilityFacts
		published time.Time
		want      Exemption
	}{
		{KindPublication, TypePDF, text, before, ExemptionOfficeFile},
		{KindPublication, TypePDF, text, after, ""},
		{KindScan, TypePDF, &AccessibilityFacts{Readable: true}, after, ExemptionHeritage},
		{KindScan, TypeTIFF, nil, after, ExemptionHeritage},
		{KindScan, TypePDF, nil, before, ExemptionOfficeFile},
		{KindCharter, TypePDF, &AccessibilityFacts{Readable: true}, after, ExemptionHeritage},
		{KindCharter, TypePDF, text, after, ""},
		{KindAgreement, TypeJPEG, nil, before, ""},
	}
	for _, c := range cases {
		d := &Document{Kind: c.kind, File: FileFacts{ContentType: c.ct}, Accessibility: c.facts}
		if got := ExemptionOf(d, c.published); got != c.want {
			t.Errorf("%s %s %v: %q, want %q", c.kind, c.ct, c.published, got, c.want)
		}
	}
}
