package doctext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jesenice/twincms/models"
)

// Why poppler's pdftotext and not a Go PDF library: it reads every PDF
// version, font encoding and compressed object stream the archive's
// scanners and offices produce, in a child process that a damaged or
// hostile file can only crash, not the server; the pure-Go libraries read
// fewer files and run inside the process. pdftoppm (the same package)
// renders the pages of image-only PDFs for Tesseract.

// Tools are the external programs, found on PATH at start.
type Tools struct {
	PDFToText, PDFToPPM, Tesseract string
	// Versions, e.g. "pdftotext 22.12.0", "tesseract 5.3.0".
	PopplerVersion, TesseractVersion string
	// Languages are the Tesseract language data installed.
	Languages []string
}

// FindTools looks the programs up on PATH; what is missing stays "".
func FindTools(ctx context.Context) Tools {
	var t Tools
	t.PDFToText, _ = exec.LookPath("pdftotext")
	t.PDFToPPM, _ = exec.LookPath("pdftoppm")
	t.Tesseract, _ = exec.LookPath("tesseract")
	if t.PDFToText != "" {
		out, _ := exec.CommandContext(ctx, t.PDFToText, "-v").CombinedOutput()
		t.PopplerVersion = firstLine(out)
	}
	if t.Tesseract != "" {
		out, _ := exec.CommandContext(ctx, t.Tesseract, "--version").CombinedOutput()
		t.TesseractVersion = firstLine(out)
		out, _ = exec.CommandContext(ctx, t.Tesseract, "--list-langs").CombinedOutput()
		for _, l := range strings.Split(string(out), "\n")[1:] {
			if l = strings.TrimSpace(l); l != "" && l != "osd" {
				t.Languages = append(t.Languages, l)
			}
		}
	}
	return t
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(s)
}

// OCR reports whether scans can be read (tesseract with language data).
func (t Tools) OCR() bool { return t.Tesseract != "" && len(t.Languages) > 0 }

// errUnavailable marks a file this server cannot read ("OCR unavailable").
var errUnavailable = errors.New("unavailable")

// result is what one extraction found.
type result struct {
	text       string
	source     string
	engine     string
	version    string
	languages  []string
	confidence float64
	pages      int
}

// Limits of one extraction.
const (
	maxOCRPages  = 300
	pageTimeout  = 3 * time.Minute
	ocrDPI       = "300"
	minLayerText = 16 // letters per page below which a PDF page is taken for a scan
)

// extract reads the text of the file at path, of type contentType.
func (t Tools) extract(ctx context.Context, path, contentType string, langs []string) (result, error) {
	switch contentType {
	case models.TypePDF:
		return t.extractPDF(ctx, path, langs)
	case models.TypePNG, models.TypeJPEG, models.TypeTIFF, models.TypeWebP:
		if !t.OCR() {
			return result{}, fmt.Errorf("%w: OCR unavailable (tesseract is not installed)", errUnavailable)
		}
		return t.ocr(ctx, []string{path}, langs)
	}
	return result{}, nil // no text in this format
}

func (t Tools) extractPDF(ctx context.Context, path string, langs []string) (result, error) {
	if t.PDFToText == "" {
		return result{}, fmt.Errorf("%w: text extraction unavailable (pdftotext is not installed)", errUnavailable)
	}
	ctx2, cancel := context.WithTimeout(ctx, pageTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx2, t.PDFToText, "-enc", "UTF-8", "-q", path, "-").Output()
	if err != nil {
		return result{}, fmt.Errorf("pdftotext could not read the PDF: %v", exitReason(err))
	}
	pages := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	letters := 0
	for _, r := range string(out) {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters >= minLayerText*len(pages) {
		return result{text: clean(string(out)), source: models.TextSourceLayer, engine: "pdftotext", version: t.PopplerVersion, pages: len(pages)}, nil
	}
	// No text layer worth the name: a scan. Render the pages and OCR them.
	if !t.OCR() || t.PDFToPPM == "" {
		return result{}, fmt.Errorf("%w: OCR unavailable (tesseract or pdftoppm is not installed)", errUnavailable)
	}
	dir, err := os.MkdirTemp("", "twincms-pages-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	ctx3, cancel3 := context.WithTimeout(ctx, pageTimeout*time.Duration(min(len(pages), 10)))
	defer cancel3()
	if out, err := exec.CommandContext(ctx3, t.PDFToPPM, "-r", ocrDPI, "-gray", "-png", "-l", strconv.Itoa(maxOCRPages), path, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		return result{}, fmt.Errorf("pdftoppm could not render the pages: %v %s", exitReason(err), firstLine(out))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	slices.Sort(files)
	return t.ocr(ctx, files, langs)
}

// ocr runs Tesseract on each image (a TIFF may hold several pages) and
// joins the pages, with the mean word confidence.
func (t Tools) ocr(ctx context.Context, images []string, langs []string) (result, error) {
	langs = t.available(langs)
	res := result{source: models.TextSourceOCR, engine: "tesseract", version: t.TesseractVersion, languages: langs}
	var texts []string
	var confSum float64
	var words int
	for _, img := range images {
		base := img + "-ocr"
		ctx2, cancel := context.WithTimeout(ctx, pageTimeout)
		out, err := exec.CommandContext(ctx2, t.Tesseract, img, base, "-l", strings.Join(langs, "+"), "txt", "tsv").CombinedOutput()
		cancel()
		defer os.Remove(base + ".txt")
		defer os.Remove(base + ".tsv")
		if err != nil {
			return result{}, fmt.Errorf("tesseract could not read the image: %v %s", exitReason(err), firstLine(out))
		}
		txt, err := os.ReadFile(base + ".txt")
		if err != nil {
			return result{}, err
		}
		tsv, _ := os.ReadFile(base + ".tsv")
		s, n, pages := tsvConfidence(tsv)
		confSum, words, res.pages = confSum+s, words+n, res.pages+max(pages, 1)
		texts = append(texts, string(txt))
	}
	res.text = clean(strings.Join(texts, "\f"))
	if words > 0 {
		res.confidence = float64(int(confSum/float64(words)*10)) / 10
	}
	return res, nil
}

// tsvConfidence sums the confidences of the words in Tesseract's TSV
// (level 5 rows) and counts the words and pages.
func tsvConfidence(tsv []byte) (sum float64, words, pages int) {
	for _, line := range bytes.Split(tsv, []byte("\n")) {
		f := strings.Split(string(line), "\t")
		if len(f) < 12 {
			continue
		}
		switch f[0] {
		case "1":
			pages++
		case "5":
			if strings.TrimSpace(f[11]) == "" {
				continue
			}
			if c, err := strconv.ParseFloat(f[10], 64); err == nil && c >= 0 {
				sum += c
				words++
			}
		}
	}
	return sum, words, pages
}

// available keeps the languages installed, in order; none installed of
// those asked for falls back to all installed of the default set.
func (t Tools) available(langs []string) []string {
	var out []string
	for _, l := range langs {
		if slices.Contains(t.Languages, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		for _, l := range DefaultLanguages {
			if slices.Contains(t.Languages, l) {
				out = append(out, l)
			}
		}
	}
	if len(out) == 0 && len(t.Languages) > 0 {
		out = t.Languages[:1]
	}
	return out
}

// DefaultLanguages are OCR's languages for a document without one
// (TWINCMS_OCR_LANGUAGES changes them): the twin towns' languages.
var DefaultLanguages = []string{"slv", "deu", "ita", "srp", "srp_latn", "hrv", "eng"}

// tesseractLanguages maps a document's language (ISO 639-1) to
// Tesseract's data names.
var tesseractLanguages = map[string][]string{
	"sl": {"slv"}, "de": {"deu"}, "it": {"ita"}, "sr": {"srp", "srp_latn"}, "hr": {"hrv"}, "en": {"eng"},
	"bs": {"hrv", "srp_latn"}, "mk": {"srp"},
}

// LanguagesFor is the OCR language list for a document: its own language
// (with English, the usual second language of the archive's forms), or
// the configured default set.
func LanguagesFor(doc *models.Document, def []string) []string {
	if l, ok := tesseractLanguages[doc.Language]; ok {
		return l
	}
	return def
}

// clean trims each line's trailing space and drops runs of blank lines.
func clean(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r", ""), "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// exitReason says why a program failed without its path or arguments.
func exitReason(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return "exit status " + strconv.Itoa(ee.ExitCode())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return "could not run"
}
