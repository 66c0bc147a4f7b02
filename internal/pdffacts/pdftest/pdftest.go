// Package pdftest writes small, valid PDFs for tests: one page with or
// without a text layer, tagged or not, with or without a declared
// language and a PDF/UA or PDF/A claim in XMP metadata, optionally
// carrying a page-sized image (a scan without text). Real readers (poppler)
// take them as they take a word processor's output.
package pdftest

import (
	"bytes"
	"fmt"
	"strings"
)

// Options says what the PDF holds.
type Options struct {
	// Text puts words on the page in a standard font (a text layer).
	Text string
	// Image draws a small grey image over the page (a scan).
	Image bool
	// Tagged marks the file (MarkInfo /Marked true) and gives it a
	// structure tree with one paragraph.
	Tagged bool
	// Lang is the catalog's /Lang ("" for none).
	Lang string
	// PDFUA and PDFA are XMP claims: pdfuaid:part, pdfaid:part+conformance
	// ("2B").
	PDFUA string
	PDFA  string
	// Title goes in the document information dictionary (not on the
	// page): two files of the same content differ by it.
	Title string
}

// Build returns the PDF's bytes.
func Build(o Options) []byte {
	var objs []string // object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	catalog := add("") // filled last
	pages := add("")
	var content strings.Builder
	resources := []string{}
	if o.Image {
		w, h := 8, 8
		img := bytes.Repeat([]byte{0x80}, w*h)
		id := add(fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", w, h, len(img), img))
		resources = append(resources, fmt.Sprintf("/XObject << /Im1 %d 0 R >>", id))
		content.WriteString("q 400 0 0 400 100 300 cm /Im1 Do Q\n")
	}
	if o.Text != "" {
		font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
		resources = append(resources, fmt.Sprintf("/Font << /F1 %d 0 R >>", font))
		if o.Tagged {
			content.WriteString("/P << /MCID 0 >> BDC\n")
		}
		fmt.Fprintf(&content, "BT /F1 14 Tf 72 720 Td (%s) Tj ET\n", escape(o.Text))
		if o.Tagged {
			content.WriteString("EMC\n")
		}
	}
	cs := content.String()
	contents := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(cs), cs))
	page := add("")
	pageDict := fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources << %s >>", pages, contents, strings.Join(resources, " "))
	cat := fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R", pages)
	if o.Tagged {
		root := add("")
		doc := add("")
		para := add("")
		objs[root-1] = fmt.Sprintf("<< /Type /StructTreeRoot /K [%d 0 R] /ParentTree << /Nums [0 [%d 0 R]] >> >>", doc, para)
		objs[doc-1] = fmt.Sprintf("<< /Type /StructElem /S /Document /P %d 0 R /K [%d 0 R] >>", root, para)
		objs[para-1] = fmt.Sprintf("<< /Type /StructElem /S /P /P %d 0 R /Pg %d 0 R /K 0 >>", doc, page)
		pageDict += " /StructParents 0"
		cat += fmt.Sprintf(" /MarkInfo << /Marked true >> /StructTreeRoot %d 0 R", root)
	}
	objs[page-1] = pageDict + " >>"
	objs[pages-1] = fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", page)
	if o.Lang != "" {
		cat += fmt.Sprintf(" /Lang (%s)", escape(o.Lang))
	}
	if o.PDFUA != "" || o.PDFA != "" {
		x := xmp(o)
		meta := add(fmt.Sprintf("<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n%s\nendstream", len(x), x))
		cat += fmt.Sprintf(" /Metadata %d 0 R", meta)
	}
	objs[catalog-1] = cat + " >>"
	trailerInfo := ""
	if o.Title != "" {
		trailerInfo = fmt.Sprintf(" /Info %d 0 R", add(fmt.Sprintf("<< /Title (%s) >>", escape(o.Title))))
	}

	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, trailerInfo, xref)
	return b.Bytes()
}

func xmp(o Options) string {
	var props strings.Builder
	if o.PDFUA != "" {
		fmt.Fprintf(&props, `<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>%s</pdfuaid:part></rdf:Description>`, o.PDFUA)
	}
	if o.PDFA != "" {
		fmt.Fprintf(&props, `<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>%s</pdfaid:part><pdfaid:conformance>%s</pdfaid:conformance></rdf:Description>`, o.PDFA[:1], o.PDFA[1:])
	}
	return `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
		props.String() + `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
}

func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return r.Replace(s)
}
