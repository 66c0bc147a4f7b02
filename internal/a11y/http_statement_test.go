package a11y_test

import (
	"github.com/jesenice/twincms/internal/testtools"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/a11y"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
)

// statementSettings is a valid body of PUT /accessibility-statement.
func statementSettings() map[string]any {
	return map[string]any{"conformance": "partial", "organisation": map[string]string{"sl": "Občina Jesenice", "en": "Municipality of Jesenice"},
		"website": "https://www.jesenice.si/", "method": "self_assessment", "prepared_on": "2025-03-01", "reviewed_on": "2026-11-30",
		"contact_email": "dostopnost@jesenice.si", "contact_phone": "+386 4 586 92 00",
		"explanation": map[string]string{"sl": "Starejši dokumenti so skenirani.", "en": "Older documents are scanned."},
		"enforcement": map[string]any{"name": map[string]string{"sl": "Inšpektorat za informacijsko družbo", "en": "Information Society Inspectorate"},
			"email": "gp.irsid@gov.si", "url": "https://www.gov.si/drzavni-organi/organi-v-sestavi/inspektorat-za-informacijsko-druzbo/"}}
}

// The accessibility statement is generated from the editor's settings and
// the published documents' facts: a scanned PDF without text is listed
// with the heritage exemption, an untagged PDF as a non-compliance with
// its accessible alternative, an accessible PDF not at all; in Slovenian
// and English. Bad settings are refused with the field.
func TestAccessibilityStatementFromTheData(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdfinfo", "pdftotext")
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	var before map[string]any
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/accessibility-statement", Token: ed}), 200).JSON(t, &before)
	if before["conformance"] == nil || before["enforcement"] == nil {
		t.Fatalf("defaults %v", before)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/accessibility-statement", Token: ed, Body: statementSettings()}), 200)
	t.Cleanup(func() {
		s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/accessibility-statement", Token: apitest.AdminToken, Body: before})
	})
	for field, v := range map[string]any{"conformance": "maybe", "contact_email": "not mail", "reviewed_on": "2099-01-01", "prepared_on": "1.3.2025",
		"website": "javascript:alert(1)", "method": "guess", "contact_phone": "call me"} {
		body := statementSettings()
		body[field] = v
		pr := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/accessibility-statement", Token: ed, Body: body}), 422, "validation-failed")
		if !strings.Contains(string(apitest.MustJSON(t, pr)), `"field":"`+field) {
			t.Errorf("%s: %v", field, pr)
		}
	}
	body := statementSettings()
	body["generated_at"] = time.Now()
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/accessibility-statement", Token: ed, Body: body}), 400, "malformed-request")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/accessibility-statement", Body: statementSettings()}), 401)

	scanMeta := apitest.DocMeta("scan", "Skenirana listina 1975")
	scan := apitest.Expect(t, s.Upload(t, ed, scanMeta, "listina-1975.pdf", "application/pdf",
		pdftest.Build(pdftest.Options{Image: true, Title: "Listina 1975"})), 201).Map(t)["id"].(string)
	untagged := uploadPDF(t, s, ed, "Porocilo brez oznak", pdftest.Options{Text: "Porocilo o sodelovanju"})
	accessible := uploadPDF(t, s, ed, "Dostopno porocilo", pdftest.Options{Text: "Porocilo o sodelovanju", Tagged: true, Lang: "sl"})
	for _, id := range []string{scan, untagged, accessible} {
		factsOf(t, s, ed, id)
	}
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + untagged, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + untagged, Token: ed, Body: map[string]any{"alternative": map[string]any{"document_id": accessible}},
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 200)

	pb := apitest.MinimalPartnership("izjava-o-dostopnosti-test", "Izjava")
	pb["documents"] = []map[string]any{{"document_id": scan, "role": "agreement"}, {"document_id": untagged, "role": "publication"}, {"document_id": accessible, "role": "overview"}}
	p := apitest.Create(t, s, ed, pb)
	ppath := apitest.PartnershipPath(p)
	s.RemoveAtEnd(t, ppath)

	get := func(locale string) a11y.PublicStatement {
		t.Helper()
		var st a11y.PublicStatement
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/accessibility-statement?locale=" + locale}), 200)
		r.JSON(t, &st)
		if r.Header.Get("Content-Language") != st.Locale {
			t.Fatalf("Content-Language %q for %q", r.Header.Get("Content-Language"), st.Locale)
		}
		return st
	}
	find := func(items []a11y.StatementItem, id string) *a11y.StatementItem {
		for i := range items {
			if items[i].DocumentID == id {
				return &items[i]
			}
		}
		return nil
	}
	// Not published yet: not in the statement.
	if st := get("sl"); find(st.NonAccessible.Exempt, scan) != nil || find(st.NonAccessible.NonCompliant, untagged) != nil {
		t.Fatal("unpublished documents listed")
	}
	cur = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: ppath, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: ppath + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)

	st := get("sl")
	if st.Locale != "sl" || st.Title != "Izjava o dostopnosti" || st.Status.Code != "partial" || !strings.Contains(st.Status.Text, "delno skladno") ||
		st.Enforcement.Name != "Inšpektorat za informacijsko družbo" || !strings.Contains(st.Enforcement.Text, "gp.irsid@gov.si") ||
		st.Feedback.Email != "dostopnost@jesenice.si" || !strings.Contains(st.Feedback.Text, "+386 4 586 92 00") ||
		!strings.Contains(st.Preparation.Text, "2026-11-30") || !strings.Contains(st.Preparation.Text, "samoocena") ||
		st.NonAccessible.Explanation != "Starejši dokumenti so skenirani." || !strings.Contains(st.Intro[0], "ZDSMA") {
		t.Fatalf("statement %+v", st)
	}
	sc := find(st.NonAccessible.Exempt, scan)
	if sc == nil || sc.Exemption == nil || sc.Exemption.Code != "heritage_reproduction" || !strings.Contains(sc.Exemption.Text, "1(4)(e)") ||
		!hasFact(sc.Problems, "text_layer") || sc.Title != "Skenirana listina 1975" {
		t.Fatalf("scan in the statement: %+v", sc)
	}
	un := find(st.NonAccessible.NonCompliant, untagged)
	if un == nil || un.Exemption != nil || !hasFact(un.Problems, "tagged") || !hasFact(un.Problems, "language") || hasFact(un.Problems, "text_layer") ||
		un.Alternative == nil || un.Alternative.DocumentID != accessible {
		t.Fatalf("untagged in the statement: %+v", un)
	}
	if find(st.NonAccessible.NonCompliant, accessible) != nil || find(st.NonAccessible.Exempt, accessible) != nil {
		t.Fatal("an accessible PDF is listed")
	}
	en := get("en")
	if en.Title != "Accessibility statement" || en.Enforcement.Name != "Information Society Inspectorate" || !strings.Contains(en.Status.Text, "partially compliant") {
		t.Fatalf("English %+v", en)
	}
	if sc := find(en.NonAccessible.Exempt, scan); sc == nil || !strings.Contains(sc.Exemption.Text, "heritage collection") {
		t.Fatalf("English scan %+v", sc)
	}
	// Other locales get English; an unknown one is refused.
	if de := get("de"); de.Locale != "en" {
		t.Fatalf("de → %q", de.Locale)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/accessibility-statement?locale=xx"}), 400, "malformed-request")
}

func hasFact(ps []a11y.ItemProblem, fact string) bool {
	for _, p := range ps {
		if p.Fact == fact && p.Text != "" {
			return true
		}
	}
	return false
}
