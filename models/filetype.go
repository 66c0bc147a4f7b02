package models

import "bytes"

// Accepted file types, detected from the bytes: a client's declared type
// is never trusted.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeTIFF = "image/tiff"
	TypeWebP = "image/webp"
)

// SniffLen is how many leading bytes DetectType needs.
const SniffLen = 16

// DetectType names the accepted type head starts with, or "".
func DetectType(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(head, []byte("\xff\xd8\xff")):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TypeTIFF
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WEBP")):
		return TypeWebP
	}
	return ""
}

// IsWebImage reports whether t can be a crest (decodable for renditions).
func IsWebImage(t string) bool { return t == TypePNG || t == TypeJPEG || t == TypeWebP }

// typeExtensions are the extensions under which a type opens as itself,
// the usual one first.
var typeExtensions = map[string][]string{
	TypePDF: {".pdf"}, TypePNG: {".png"}, TypeJPEG: {".jpg", ".jpeg", ".jpe"}, TypeTIFF: {".tif", ".tiff"}, TypeWebP: {".webp"},
}

// Extension is the usual file extension of t.
func Extension(t string) string {
	if exts := typeExtensions[t]; len(exts) > 0 {
		return exts[0]
	}
	return ""
}
