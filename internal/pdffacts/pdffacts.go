// Package pdffacts reads a PDF's accessibility facts: a text layer, tags
// (MarkInfo and a structure tree), a declared language, PDF/UA and PDF/A
// claims.
//
// It uses poppler (Debian poppler-utils, also used for text extraction):
// pdfinfo for the Tagged flag, the page count and the XMP metadata
// (decompressed, whatever the file's object and cross-reference streams),
// pdfinfo -struct for the structure tree, pdftotext on the first pages for
// the text layer. A mature reader handles the variety of real PDFs
// (incremental updates, object streams, broken cross-references) that a
// small reader of our own would not. poppler does not print the catalog's
// /Lang, so a streaming scan of our own (catalog.go) finds the catalog
// dictionary, in the file or in a compressed object stream, and reads it.
//
// The stored object is copied to a temporary file as a stream (the
// programs need a seekable file): memory stays bounded whatever the
// file's size; every program runs under a deadline.
package pdffacts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/jesenice/twincms/models"
)

// ErrUnavailable: poppler's programs are not installed (the facts cannot
// be read on this machine; nothing is wrong with the file).
var ErrUnavailable = errors.New("pdffacts: poppler-utils (pdfinfo, pdftotext) are not installed")

// textPages is how many pages pdftotext reads for the text layer: a scan
// with a typed cover letter still counts as text, which is the lenient
// side; the inspector only advises.
const textPages = 5

// Inspector reads facts with the poppler programs.
type Inspector struct {
	// TempDir holds the temporary copies ("" = os.TempDir()).
	TempDir string
	// Timeout bounds each program (0 = 30 s).
	Timeout time.Duration

	toolOnce sync.Once
	tool     string
}

// Available tells whether the programs are installed.
func (in *Inspector) Available() bool {
	_, e1 := exec.LookPath("pdfinfo")
	_, e2 := exec.LookPath("pdftotext")
	return e1 == nil && e2 == nil
}

// Inspect copies r to a temporary file and reads its facts. Errors:
// ErrUnavailable, ctx's error, a read error of r. A file that is not a
// readable PDF is no error: its facts say Readable false.
func (in *Inspector) Inspect(ctx context.Context, r io.Reader) (*models.AccessibilityFacts, error) {
	if !in.Available() {
		return nil, ErrUnavailable
	}
	f, err := os.CreateTemp(in.TempDir, "pdffacts-*.pdf")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		return nil, err
	}
	return in.InspectFile(ctx, f.Name())
}

// InspectFile reads the facts of the PDF at path.
func (in *Inspector) InspectFile(ctx context.Context, path string) (*models.AccessibilityFacts, error) {
	facts := &models.AccessibilityFacts{CheckedAt: models.Now(), Tool: in.toolName(ctx)}
	info, err := in.run(ctx, "pdfinfo", path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			facts.Finish() // not a PDF poppler can read
			return facts, nil
		}
		return nil, err
	}
	facts.Readable = true
	facts.Pages, _ = strconv.Atoi(field(info, "Pages"))
	marked := field(info, "Tagged") == "yes"
	if marked {
		st, err := in.run(ctx, "pdfinfo", "-struct", path)
		if err != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		facts.Tagged = err == nil && len(bytes.TrimSpace(st)) > 0
	}
	if field(info, "Metadata Stream") == "yes" {
		if meta, err := in.run(ctx, "pdfinfo", "-meta", path); err == nil {
			facts.PDFUA, facts.PDFA = xmpClaims(meta)
			facts.Language = xmpLanguage(meta)
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if lang, err := catalogLangFile(path); err == nil && lang != "" {
		facts.Language = lang
	}
	txt, err := in.run(ctx, "pdftotext", "-q", "-l", strconv.Itoa(textPages), "-enc", "UTF-8", path, "-")
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	facts.TextLayer = err == nil && hasWords(txt)
	facts.Finish()
	return facts, nil
}

// run runs a poppler program with a deadline and returns its standard
// output (at most 1 MiB is kept).
func (in *Inspector) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	t := in.Timeout
	if t <= 0 {
		t = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, t)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	out := &capped{max: 1 << 20}
	cmd.Stdout = out
	cmd.Stderr = io.Discard
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("%s: %w", name, ctx.Err())
	}
	return out.b.Bytes(), err
}

// toolName is "poppler " and pdfinfo's version, read once.
func (in *Inspector) toolName(ctx context.Context) string {
	in.toolOnce.Do(func() {
		out, _ := exec.CommandContext(ctx, "pdfinfo", "-v").CombinedOutput()
		in.tool = "poppler"
		if m := regexp.MustCompile(`version ([0-9.]+)`).FindSubmatch(out); m != nil {
			in.tool = "poppler " + string(m[1])
		}
	})
	return in.tool
}

// capped keeps the first max bytes written and discards the rest.
type capped struct {
	b   bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.b.Len(); room > 0 {
		c.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// field is the value of "Name: value" in pdfinfo's output.
func field(out []byte, name string) string {
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// hasWords tells whether text holds at least a few letters: a scan's
// text layer is empty or only page breaks.
func hasWords(text []byte) bool {
	n := 0
	for _, r := range string(text) {
		if unicode.IsLetter(r) {
			if n++; n >= 3 {
				return true
			}
		}
	}
	return false
}

var (
	uaPart    = regexp.MustCompile(`pdfuaid:part(?:>|="|=')\s*([0-9]+)`)
	aPart     = regexp.MustCompile(`pdfaid:part(?:>|="|=')\s*([0-9]+)`)
	aConf     = regexp.MustCompile(`pdfaid:conformance(?:>|="|=')\s*([A-Za-z])`)
	dcLangRDF = regexp.MustCompile(`(?s)<dc:language>.*?<rdf:li[^>]*>\s*([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\s*</rdf:li>`)
)

// xmpClaims reads the PDF/UA and PDF/A identification schemas (element
// or attribute form).
func xmpClaims(meta []byte) (ua, a string) {
	if m := uaPart.FindSubmatch(meta); m != nil {
		ua = string(m[1])
	}
	if m := aPart.FindSubmatch(meta); m != nil {
		a = string(m[1])
		if c := aConf.FindSubmatch(meta); c != nil {
			a += strings.ToUpper(string(c[1]))
		}
	}
	return ua, a
}

// xmpLanguage is the first dc:language of the XMP metadata.
func xmpLanguage(meta []byte) string {
	if m := dcLangRDF.FindSubmatch(meta); m != nil && !strings.EqualFold(string(m[1]), "x-default") {
		return string(m[1])
	}
	return ""
}
