package doctext_test

import (
	"github.com/jesenice/twincms/internal/testtools"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// charterLines is a 1975 charter's text in Slovenian with č, š and ž.
var charterLines = []string{
	"LISTINA O POBRATENJU",
	"Skupščina občine Jesenice in Skupščina",
	"občine Valjevo sta na slovesni seji",
	"sklenili pobratenje med občinama.",
	"Železarna Jesenice in delavci čestitajo.",
	"Jesenice, 12. junija 1975",
}

func needOCR(t *testing.T) {
	t.Helper()
	testtools.Need(t, "tesseract-ocr tesseract-ocr-slv poppler-utils", "tesseract", "pdftoppm", "pdftotext")
}

// waitText polls the record until its text extraction has finished.
func waitText(t *testing.T, s *apitest.Server, token, id string) map[string]any {
	t.Helper()
	var text map[string]any
	apitest.WaitFor(t, 3*time.Minute, "text extraction of "+id, func() bool {
		d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: token}), 200).Map(t)
		text, _ = d["text"].(map[string]any)
		return text != nil && text["status"] != "queued" && text["status"] != "running"
	})
	return text
}

// A scanned charter (text rendered into an image, wrapped as a PDF with
// no text layer) is OCRed by the real Tesseract in Slovenian, its text
// served as plain text and found by the full-text search with the word
// highlighted; the same page as a PNG is read too; a PDF with a text
// layer is read by pdftotext without OCR.
func TestScannedCharterIsOCRedAndFound(t *testing.T) {
	needOCR(t)
	s := apitest.Empty(t, nil)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	page := renderPage(t, charterLines)
	start := time.Now()
	up := apitest.Expect(t, s.Upload(t, ed, map[string]any{"kind": "scan", "language": "sl", "title": map[string]string{"sl": "Skenirana listina"}},
		"listina-1975.pdf", "", scanPDF(t, page)), 201).Map(t)
	id := up["id"].(string)
	text := waitText(t, s, ed, id)
	t.Logf("OCR of one page took %v", time.Since(start))
	if text["status"] != "done" || text["source"] != "ocr" || text["engine"] != "tesseract" || !strings.HasPrefix(text["engine_version"].(string), "tesseract 5") {
		t.Fatalf("text facts %v", text)
	}
	if langs := text["languages"].([]any); len(langs) != 1 || langs[0] != "slv" {
		t.Errorf("languages %v, want the document's own (slv)", langs)
	}
	if c := text["confidence"].(float64); c < 60 || c > 100 {
		t.Errorf("mean confidence %v", c)
	}
	body := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id + "/text", Token: ed}), 200)
	if ct := body.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	for _, w := range []string{"Skupščina", "občine", "Železarna", "čestitajo", "1975"} {
		if !strings.Contains(string(body.Body), w) {
			t.Errorf("OCR text lacks %q:\n%s", w, body.Body)
		}
	}
	// Found by a word only its scan holds, folded, with the word marked.
	var res struct {
		Items []struct {
			ID     string
			Search struct{ Snippet string }
		}
		Total int
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?q=" + url.QueryEscape("zelezarna cestitajo"), Token: ar}), 200).JSON(t, &res)
	if res.Total != 1 || res.Items[0].ID != id || !strings.Contains(res.Items[0].Search.Snippet, "<mark>Železarna</mark>") {
		t.Fatalf("search: %+v", res)
	}
	// The same page as a PNG, without a language: the default set.
	png := apitest.Expect(t, s.Upload(t, ed, map[string]any{"kind": "scan", "title": map[string]string{"sl": "Listina PNG"}},
		"listina.png", "", pngOf(t, page)), 201).Map(t)
	ptext := waitText(t, s, ed, png["id"].(string))
	if ptext["status"] != "done" || len(ptext["languages"].([]any)) < 2 {
		t.Errorf("PNG text facts %v", ptext)
	}
	// A PDF with a text layer: pdftotext, no OCR.
	layer := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("charter", "Listina s plastjo"), "plast.pdf", "",
		demo.PlaceholderPDF("Listina o pobratenju Kranjska Gora", "Podpisano v Jesenicah")), 201).Map(t)
	ltext := waitText(t, s, ed, layer["id"].(string))
	if ltext["status"] != "done" || ltext["source"] != "text-layer" || ltext["engine"] != "pdftotext" {
		t.Errorf("text layer facts %v", ltext)
	}
	var state map[string]any
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/text-extraction", Token: ar}), 200).JSON(t, &state)
	if state["ocr"] != true || state["documents"].(map[string]any)["done"].(float64) != 3 {
		t.Errorf("state %v", state)
	}
	metrics := string(apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(metrics, `twincms_text_extractions_total{outcome="done"} 3`) || !strings.Contains(metrics, `twincms_text_pages_total{source="ocr"}`) {
		t.Errorf("metrics lack the extractions")
	}
}
