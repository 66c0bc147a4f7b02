package models

import (
	"net/url"
	"strings"
)

// ContentDisposition makes an attachment header that carries a UTF-8 file
// name (RFC 6266 with RFC 5987 filename*) and an ASCII fallback for old
// clients, so "Listina o pobratenju – Šentjakob v Rožu.pdf" downloads
// under that very name.
func ContentDisposition(name string) string {
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
// original: it downloads under its original name with its type.
func DownloadParams(d *Document) url.Values {
	name := d.File.OriginalFilename
	if name == "" {
		name = d.ID + Extension(d.File.ContentType)
	}
	return url.Values{"response-content-disposition": {ContentDisposition(name)}, "response-content-type": {d.File.ContentType}}
}
