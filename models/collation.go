package models

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// slovenianAlphabet is the primary order of Slovenian collation; č, š and
// ž are letters of their own after c, s and z. ć and đ (Serbo-Croatian
// names) follow č and d as in Slovenian dictionaries.
const slovenianAlphabet = "abcčćdđefghijklmnopqrsštuvwxyzž"

var slRank = func() map[rune]byte {
	m := make(map[rune]byte)
	for i, r := range []rune("0123456789" + slovenianAlphabet) {
		m[r] = byte(0x21 + i)
	}
	return m
}()

// SortKey is a byte-comparable key that orders names by Slovenian
// collation. It is stored at write time because the embedded store has no
// collation: sorting by it is a plain string sort everywhere.
func SortKey(name string) string {
	var primary, tie strings.Builder
	for _, r := range strings.ToLower(name) {
		if rank, ok := slRank[r]; ok {
			primary.WriteByte(rank)
			continue
		}
		// Letters with other accents (ä, ö, ü, é) sort with their base letter.
		base := []rune(norm.NFD.String(string(r)))[0]
		if rank, ok := slRank[base]; ok {
			primary.WriteByte(rank)
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			primary.WriteByte(0x7e) // unknown letters after z̆, in code-point order below
			tie.WriteRune(r)
		}
		// Spaces and punctuation are ignored at the primary level.
	}
	return primary.String() + "\x01" + tie.String() + "\x01" + strings.ToLower(name)
}
