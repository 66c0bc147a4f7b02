package doctext_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/testtools"
)

// BenchmarkOCRPages uploads scanned pages (TWINCMS_BENCH_OCR_PAGES, 4 by
// default: the charter's lines rendered at 200 dpi, each page a PDF with
// no text layer, Slovenian) and waits until the background runner has
// read them all with the real Tesseract; it reports pages a minute, as
// this machine reads them:
//
//	go test -run '^$' -bench OCRPages -benchtime 1x ./internal/doctext
func BenchmarkOCRPages(b *testing.B) {
	testtools.Need(b, "tesseract-ocr tesseract-ocr-slv poppler-utils", "tesseract", "pdftoppm", "pdftotext")
	n := apitest.EnvInt("TWINCMS_BENCH_OCR_PAGES", 4)
	s := apitest.Empty(b, nil)
	ed := s.NewToken(b, "editor")
	for i := range b.N {
		scans := make([][]byte, n)
		for p := range n {
			lines := append([]string{fmt.Sprintf("Stran %d od %d, izvod %d", p+1, n, i)}, charterLines...)
			scans[p] = scanPDF(b, renderPage(b, lines))
		}
		b.ResetTimer()
		start := time.Now()
		ids := make([]string, n)
		for p, pdf := range scans {
			up := apitest.Expect(b, s.Upload(b, ed, map[string]any{"kind": "scan", "language": "sl", "title": map[string]string{"sl": fmt.Sprintf("Sken %d/%d", i, p)}},
				"sken.pdf", "", pdf), 201).Map(b)
			ids[p] = up["id"].(string)
		}
		for _, id := range ids {
			apitest.WaitFor(b, 10*time.Minute, "OCR of "+id, func() bool {
				d := apitest.Expect(b, s.Do(b, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: ed}), 200).Map(b)
				text, _ := d["text"].(map[string]any)
				return text != nil && text["status"] == "done"
			})
		}
		took := time.Since(start)
		b.ReportMetric(float64(n)/took.Minutes(), "pages/min")
		b.Logf("%d scanned pages read in %v", n, took.Round(time.Millisecond))
	}
}
