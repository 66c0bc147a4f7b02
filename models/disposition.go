package models

import (
	"net/url"
	"path"
	"slices"
	"strings"
)

// ContentDisposition makes an attachment header that carries a UTF-8 file
// name (RFC 6266 with RFC 5987 filename*) and an ASCII fallback for old
// clients, so "Listina o pobratenju – Šentjakob v Rožu.pdf" downloads
// under that very name.
func ContentDisposition(name string) string {
	name = StripBidi(name)
	var ascii strings.Builder
	for _, r := range FoldCase(name) {
		switch {
		case r == '"' || r == '\\':
			ascii.WriteByte('_')
		case r >= 0x20 && r < 0x7f:
			ascii.WriteRune(r)
		case r == '–' || r == '—':
			ascii.WriteByte('-')
		default:
			ascii.WriteByte('_')
		}
	}
	encoded := url.PathEscape(name)
	// PathEscape leaves a few characters RFC 5987's attr-char does not allow.
	for _, c := range []string{"'", "(", ")", "*", ",", ";", "=", "@", ":", "&", "+", "$"} {
		encoded = strings.ReplaceAll(encoded, c, "%"+strings.ToUpper(hexByte(c[0])))
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + encoded
}

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}

// FoldCase strips accents but keeps case: "Šentjakob" → "Sentjakob".
func FoldCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		f := FoldText(string(r))
		if strings.ToLower(string(r)) != string(r) && f != "" {
			b.WriteString(strings.ToUpper(f))
			continue
		}
		if f == "" {
			continue
		}
		b.WriteString(f)
	}
	return b.String()
}

// DownloadParams are the response overrides of a presigned GET of d's
// original: it downloads under DownloadName with its detected type.
func DownloadParams(d *Document) url.Values {
	return url.Values{"response-content-disposition": {ContentDisposition(DownloadName(d))}, "response-content-type": {d.File.ContentType}}
}

// DownloadName is the name d's original is saved under: the name it was
// uploaded with, its extension made to match the detected type. A
// browser or desktop opens a download by its extension, not by the
// Content-Type, so PDF bytes sent as "evil.html" would run as a page
// (a polyglot). The type's extension is appended rather than swapped in
// ("evil.html.pdf"): the reader still sees the whole name the editor
// gave, and the record keeps it unchanged. A name that already ends in an
// extension of the type ("scan.PDF", "grb.jpeg") is kept as it is.
func DownloadName(d *Document) string {
	ext := Extension(d.File.ContentType)
	// Windows drops trailing dots and spaces when it saves a file, so
	// "evil.html." would open as evil.html.
	name := strings.TrimRight(StripBidi(d.File.OriginalFilename), ". ")
	switch {
	case name == "":
		return d.ID + ext
	case ext == "" || slices.Contains(typeExtensions[d.File.ContentType], strings.ToLower(path.Ext(name))):
		return name
	}
	return name + ext
}

// bidiControls are the Unicode bidirectional formatting characters. In a
// file name they reorder what is shown: "rep\u202Efdp.exe" reads as
// "repexe.pdf" but is an .exe.
const bidiControls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

// StripBidi removes the bidi controls from a name, so it reads as it is.
func StripBidi(name string) string {
	if !strings.ContainsAny(name, bidiControls) {
		return name
	}
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(bidiControls, r) {
			return -1
		}
		return r
	}, name)
}
