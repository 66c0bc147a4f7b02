package pdffacts_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"github.com/jesenice/twincms/internal/testtools"
	"testing"

	"github.com/jesenice/twincms/internal/pdffacts"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
)

// TestInspectGeneratedPDFs reads the facts of real (generated) PDFs with
// poppler: tagged with a language and claims, untagged text, a scan,
// bytes that are no PDF.
func TestInspectGeneratedPDFs(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdfinfo", "pdftotext")
	in := &pdffacts.Inspector{}
	if !in.Available() {
		t.Fatal("poppler-utils are on PATH but not usable")
	}
	cases := []struct {
		name                       string
		pdf                        []byte
		readable, text, tagged, ok bool
		lang, ua, a                string
		advice                     int
	}{
		{"tagged", pdftest.Build(pdftest.Options{Text: "Listina o pobratenju", Tagged: true, Lang: "sl-SI", PDFUA: "1", PDFA: "2B"}), true, true, true, true, "sl-SI", "1", "2B", 0},
		{"untagged text", pdftest.Build(pdftest.Options{Text: "Listina o pobratenju"}), true, true, false, false, "", "", "", 2},
		{"scan", pdftest.Build(pdftest.Options{Image: true, Lang: "de"}), true, false, false, false, "de", "", "", 2},
		{"not a pdf", []byte("%PDF-1.4\nnothing more"), false, false, false, false, "", "", "", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := in.Inspect(context.Background(), bytes.NewReader(c.pdf))
			if err != nil {
				t.Fatal(err)
			}
			if f.Readable != c.readable || f.TextLayer != c.text || f.Tagged != c.tagged || f.Accessible != c.ok ||
				f.Language != c.lang || f.PDFUA != c.ua || f.PDFA != c.a || len(f.Advice) != c.advice {
				t.Fatalf("facts %+v", f)
			}
			for _, a := range f.Advice {
				if a.SL == "" || a.EN == "" {
					t.Fatalf("advice without text: %+v", a)
				}
			}
		})
	}
}

// objectStreamPDF hides the catalog in a compressed object stream, as
// PDF 1.5+ writers do.
func objectStreamPDF(lang string) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	fmt.Fprintf(w, "1 0 2 60 << /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true /Lang (xx) >> /Lang %s >> << /Type /Pages /Kids [] /Count 0 >>", lang)
	w.Close()
	return []byte(fmt.Sprintf("%%PDF-1.7\n5 0 obj\n<< /Type /ObjStm /N 2 /First 10 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n", z.Len(), z.Bytes()))
}

func TestCatalogLang(t *testing.T) {
	cases := map[string][]byte{
		"sl-SI": pdftest.Build(pdftest.Options{Text: "x", Lang: "sl-SI"}),
		"":      pdftest.Build(pdftest.Options{Text: "x"}),
		"de-AT": objectStreamPDF("(de-AT)"),
		"en":    objectStreamPDF("<FEFF0065006E>"),
		"it":    objectStreamPDF("(i\\164)"),
	}
	for want, pdf := range cases {
		got, err := pdffacts.CatalogLang(bytes.NewReader(pdf))
		if err != nil || got != want {
			t.Errorf("CatalogLang = %q, %v; want %q", got, err, want)
		}
	}
	// A later catalog (an incremental update) wins.
	two := append(pdftest.Build(pdftest.Options{Text: "x", Lang: "sl"}), []byte("9 0 obj\n<< /Type /Catalog /Lang (en-GB) >>\nendobj\n")...)
	if got, _ := pdffacts.CatalogLang(bytes.NewReader(two)); got != "en-GB" {
		t.Errorf("updated catalog: %q", got)
	}
}

func FuzzCatalogLang(f *testing.F) {
	f.Add(pdftest.Build(pdftest.Options{Text: "x", Tagged: true, Lang: "sl-SI", PDFUA: "1"}))
	f.Add(objectStreamPDF("(de)"))
	f.Add([]byte("1 0 obj << /Type /Catalog /Lang (\\0"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lang, _ := pdffacts.CatalogLang(bytes.NewReader(b))
		if len(lang) > 300 {
			t.Fatalf("lang of %d bytes", len(lang))
		}
	})
}
