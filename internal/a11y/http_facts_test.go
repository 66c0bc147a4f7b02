package a11y_test

import (
	"context"
	"github.com/jesenice/twincms/internal/testtools"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
	"github.com/jesenice/twincms/models"
)

type factsView struct {
	ID            string                     `json:"id"`
	Version       int64                      `json:"version"`
	Accessibility *models.AccessibilityFacts `json:"accessibility"`
}

// uploadPDF uploads a generated PDF as a publication.
func uploadPDF(t *testing.T, s *apitest.Server, token, title string, o pdftest.Options) string {
	t.Helper()
	o.Title = title
	doc := apitest.Expect(t, s.Upload(t, token, apitest.DocMeta("publication", title), title+".pdf", "application/pdf", pdftest.Build(o)), 201).Map(t)
	return doc["id"].(string)
}

// factsOf waits for the background check to have read document id.
func factsOf(t *testing.T, s *apitest.Server, token, id string) factsView {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var v factsView
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: token}), 200).JSON(t, &v)
		if v.Accessibility != nil && v.Accessibility.Version == models.AccessibilityFactsVersion {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s not checked within 30 s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Uploaded PDFs are read in the background: a tagged one with a language
// and PDF/UA and PDF/A claims, untagged text, an image-only scan. The
// facts show in the editor's and the archive's API with plain advice, and
// reading them makes no new version.
func TestPDFAccessibilityFactsAfterUpload(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdfinfo", "pdftotext")
	s := apitest.Shared(t)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	tagged := uploadPDF(t, s, ed, "Dostopna listina", pdftest.Options{Text: "Listina o pobratenju", Tagged: true, Lang: "sl-SI", PDFUA: "1", PDFA: "2A"})
	plain := uploadPDF(t, s, ed, "Neoznacena listina", pdftest.Options{Text: "Listina o pobratenju, neoznacena"})
	scan := uploadPDF(t, s, ed, "Skenirana listina", pdftest.Options{Image: true})

	f := factsOf(t, s, ed, tagged)
	a := f.Accessibility
	if !a.Readable || !a.TextLayer || !a.Tagged || a.Language != "sl-SI" || a.PDFUA != "1" || a.PDFA != "2A" || !a.Accessible || len(a.Advice) != 0 ||
		a.Pages != 1 || !strings.HasPrefix(a.Tool, "poppler") || f.Version != 1 {
		t.Fatalf("tagged: %+v (version %d)", a, f.Version)
	}
	a = factsOf(t, s, ed, plain).Accessibility
	if !a.TextLayer || a.Tagged || a.Language != "" || a.Accessible || facts(a) != "language,tagged" {
		t.Fatalf("untagged: %+v", a)
	}
	a = factsOf(t, s, ed, scan).Accessibility
	if a.TextLayer || a.Tagged || a.Accessible || facts(a) != "language,tagged,text_layer" {
		t.Fatalf("scan: %+v", a)
	}
	for _, adv := range a.Advice {
		if adv.Fact == "text_layer" && (!strings.Contains(adv.SL, "OCR") || !strings.Contains(adv.EN, "screen reader")) {
			t.Fatalf("advice %+v", adv)
		}
	}
	var arch struct {
		Document factsView `json:"document"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + scan, Token: ar}), 200).JSON(t, &arch)
	if arch.Document.Accessibility == nil || arch.Document.Accessibility.TextLayer {
		t.Fatalf("archive view %+v", arch.Document)
	}
	// A client cannot write the facts.
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: ed}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + scan, Token: ed,
		Body:    map[string]any{"accessibility": map[string]any{"tagged": true}},
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 400, "malformed-request")
	// Images are no PDFs: nothing to read.
	if got := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: ed}).Map(t)["accessibility"]; got == nil {
		t.Fatal("scan lost its facts")
	}
}

func facts(a *models.AccessibilityFacts) string {
	var out []string
	for _, adv := range a.Advice {
		out = append(out, adv.Fact)
	}
	slicesSort(out)
	return strings.Join(out, ",")
}

// The same job is the migration of files stored before the checks
// existed (or checked by an older version of them): a record without
// facts is read on the next pass.
func TestAccessibilityCheckMigratesExistingPDFs(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdfinfo", "pdftotext")
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	old := uploadPDF(t, s, ed, "Stara listina", pdftest.Options{Text: "Stara listina iz leta 1975", Lang: "de"})
	older := uploadPDF(t, s, ed, "Starejsa listina", pdftest.Options{Image: true})
	factsOf(t, s, ed, old)
	factsOf(t, s, ed, older)
	ctx := context.Background()
	// As an earlier twincms left them: no facts, facts of version 0.
	if err := s.CMS.Documents.SetAccessibility(ctx, old, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.CMS.Documents.SetAccessibility(ctx, older, &models.AccessibilityFacts{Version: 0, Readable: true, TextLayer: true}); err != nil {
		t.Fatal(err)
	}
	s.CMS.A11y.Wake()
	if a := factsOf(t, s, ed, old).Accessibility; !a.TextLayer || a.Language != "de" || a.Tagged {
		t.Fatalf("migrated %+v", a)
	}
	if a := factsOf(t, s, ed, older).Accessibility; a.TextLayer {
		t.Fatalf("re-read %+v", a)
	}
}

func slicesSort(s []string) { sort.Strings(s) }
