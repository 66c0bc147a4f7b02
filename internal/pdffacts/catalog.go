package pdffacts

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"regexp"
	"strconv"
	"unicode/utf16"
)

// The catalog scan reads a PDF front to back, one object at a time
// ("… obj … endobj"), and keeps the last catalog dictionary it meets (an
// incremental update appends a newer one). A catalog inside a compressed
// object stream (/Type /ObjStm, FlateDecode) is found by inflating that
// stream. Objects longer than maxObject are skipped unread (images, page
// content): memory stays bounded. It only reads /Lang; poppler reads the
// rest.

const (
	maxObject   = 4 << 20 // bytes of one object read whole
	maxInflated = 8 << 20 // bytes an object stream may inflate to
)

var (
	catalogType = regexp.MustCompile(`/Type\s*/Catalog\b`)
	objStmType  = regexp.MustCompile(`/Type\s*/ObjStm\b`)
	langKey     = regexp.MustCompile(`/Lang\s*`)
	streamStart = regexp.MustCompile(`stream\r?\n`)
)

// catalogLangFile is CatalogLang of the file at path.
func catalogLangFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return CatalogLang(f)
}

// CatalogLang returns the /Lang of the last catalog in r ("" when there
// is none or it is not a direct string).
func CatalogLang(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxObject+64<<10)
	sc.Split(splitObjects)
	lang := ""
	for sc.Scan() {
		obj := sc.Bytes()
		if d := catalogDict(obj); d != nil {
			lang = dictLang(d)
			continue
		}
		if objStmType.Match(headerOf(obj)) {
			if d := catalogDict(inflateStream(obj)); d != nil {
				lang = dictLang(d)
			}
		}
	}
	return lang, sc.Err()
}

// splitObjects cuts at "endobj"; an object longer than maxObject comes
// out in pieces, none holding a whole dictionary worth reading.
func splitObjects(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.Index(data, []byte("endobj")); i >= 0 {
		return i + len("endobj"), data[:i], nil
	}
	if atEOF {
		if len(data) == 0 {
			return 0, nil, nil
		}
		return len(data), data, nil
	}
	if len(data) >= maxObject {
		return len(data) - len("endobj"), data[:0], nil
	}
	return 0, nil, nil
}

// headerOf is an object's text before its stream data.
func headerOf(obj []byte) []byte {
	if loc := streamStart.FindIndex(obj); loc != nil {
		return obj[:loc[0]]
	}
	return obj
}

// catalogDict is the dictionary holding /Type /Catalog in b, or nil.
func catalogDict(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	head := headerOf(b)
	loc := catalogType.FindIndex(head)
	if loc == nil {
		// An object stream's inflated objects have no "stream" keyword.
		return nil
	}
	// Walk back to the "<<" that opens the dictionary holding it.
	depth := 0
	start := -1
	for i := loc[0] - 1; i > 0; i-- {
		if head[i] == '>' && head[i-1] == '>' {
			depth++
			i--
		} else if head[i] == '<' && head[i-1] == '<' {
			if depth == 0 {
				start = i - 1
				break
			}
			depth--
			i--
		}
	}
	if start < 0 {
		return nil
	}
	depth = 0
	for i := start; i+1 < len(head); i++ {
		switch {
		case head[i] == '<' && head[i+1] == '<':
			depth++
			i++
		case head[i] == '>' && head[i+1] == '>':
			depth--
			i++
			if depth == 0 {
				return head[start : i+1]
			}
		}
	}
	return head[start:]
}

// inflateStream inflates a FlateDecode object stream's data (bounded).
func inflateStream(obj []byte) []byte {
	loc := streamStart.FindIndex(obj)
	if loc == nil {
		return nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(obj[loc[1]:]))
	if err != nil {
		return nil
	}
	defer zr.Close()
	out, _ := io.ReadAll(io.LimitReader(zr, maxInflated))
	return out
}

// dictLang reads /Lang from a catalog dictionary's text: a literal or a
// hexadecimal string, UTF-16BE with a byte order mark or PDFDocEncoding.
// The top-level key only: nested dictionaries are skipped.
func dictLang(d []byte) string {
	for _, loc := range langKey.FindAllIndex(d, -1) {
		if nesting(d[:loc[0]]) != 1 {
			continue
		}
		rest := d[loc[1]:]
		switch {
		case len(rest) > 0 && rest[0] == '(':
			return cleanLang(decodeText(literal(rest)))
		case len(rest) > 0 && rest[0] == '<' && (len(rest) < 2 || rest[1] != '<'):
			return cleanLang(decodeText(hexString(rest)))
		}
	}
	return ""
}

// nesting is the dictionary depth at the end of b.
func nesting(b []byte) int {
	depth := 0
	for i := 0; i+1 < len(b); i++ {
		switch {
		case b[i] == '<' && b[i+1] == '<':
			depth++
			i++
		case b[i] == '>' && b[i+1] == '>':
			depth--
			i++
		}
	}
	return depth
}

// literal decodes a literal string starting at "(".
func literal(b []byte) []byte {
	var out []byte
	depth := 0
	for i := 0; i < len(b) && len(out) < 256; i++ {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r', 't', 'b', 'f':
			case '0', '1', '2', '3', '4', '5', '6', '7':
				j := i
				for j < len(b) && j < i+3 && b[j] >= '0' && b[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(string(b[i:j]), 8, 8)
				out = append(out, byte(v))
				i = j - 1
			default:
				out = append(out, e)
			}
		case c == '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return out
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// hexString decodes a hexadecimal string starting at "<".
func hexString(b []byte) []byte {
	var digits []byte
	for i := 1; i < len(b) && b[i] != '>' && len(digits) < 512; i++ {
		if c := b[i]; (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
			digits = append(digits, c)
		}
	}
	if len(digits)%2 == 1 {
		digits = append(digits, '0')
	}
	out := make([]byte, len(digits)/2)
	for i := range out {
		v, _ := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
		out[i] = byte(v)
	}
	return out
}

// decodeText turns a PDF text string into Go text.
func decodeText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}

var langTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// cleanLang keeps a BCP 47 looking tag, "" otherwise.
func cleanLang(s string) string {
	if langTag.MatchString(s) {
		return s
	}
	return ""
}
