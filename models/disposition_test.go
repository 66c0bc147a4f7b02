package models

import (
	"mime"
	"testing"
)

// A download's extension is the detected type's, so PDF bytes never open
// as a page or a program; the uploaded name is kept before it.
func TestDownloadNameMatchesTheDetectedType(t *testing.T) {
	const id = "0123456789abcdef01234567"
	cases := []struct{ typ, name, want string }{
		{TypePDF, "evil.html", "evil.html.pdf"},
		{TypePDF, "agreement.hta", "agreement.hta.pdf"},
		{TypePDF, "rep\u202efdp.exe", "repfdp.exe.pdf"},
		{TypePDF, "evil.html.", "evil.html.pdf"},
		{TypePDF, "scan.PDF", "scan.PDF"},
		{TypePDF, "Listina – Šentjakob v Rožu.pdf", "Listina – Šentjakob v Rožu.pdf"},
		{TypePDF, "listina", "listina.pdf"},
		{TypePDF, "", id + ".pdf"},
		{TypePDF, "\u202e", id + ".pdf"},
		{TypeJPEG, "grb.jpeg", "grb.jpeg"},
		{TypeJPEG, "grb.svg", "grb.svg.jpg"},
		{TypeTIFF, "scan.TIFF", "scan.TIFF"},
		{TypePNG, "grb.webp", "grb.webp.png"},
	}
	for _, c := range cases {
		d := &Document{ID: id, File: FileFacts{ContentType: c.typ, OriginalFilename: c.name}}
		if got := DownloadName(d); got != c.want {
			t.Errorf("%s as %q downloads as %q, want %q", c.typ, c.name, got, c.want)
		}
		_, params, err := mime.ParseMediaType(DownloadParams(d).Get("response-content-disposition"))
		if err != nil || params["filename"] != c.want {
			t.Errorf("%q: disposition names %q (%v)", c.name, params["filename"], err)
		}
	}
}

func TestCleanFilenameDropsBidiControls(t *testing.T) {
	for in, want := range map[string]string{"rep\u202efdp.exe": "repfdp.exe", "\u2067a\u2069.pdf": "a.pdf", "\u200f\u061c": "", "a\u200e.pdf": "a.pdf"} {
		if got := CleanFilename(in); got != want {
			t.Errorf("CleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}
