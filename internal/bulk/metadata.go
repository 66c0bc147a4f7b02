package bulk

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jesenice/twincms/models"
)

// Metadata is a metadata CSV: a header row, then one row per file. The
// columns (any order, names case-insensitive):
//
//	file            the file's path in the folder or bag payload, or its name when that is unique (required)
//	kind            charter, agreement, publication, overview, crest, scan (empty: scan)
//	title_<locale>  the title in a configured locale, e.g. title_sl, title_en (empty default locale: the file name)
//	archival_ref    the archival reference
//	original_date   YYYY, YYYY-MM or YYYY-MM-DD
//	partnership     the slug of the partnership the document belongs to (several: separated by ;)
//	language, source, custodian, notes   the rest of the description
//
// Comma- or semicolon-separated (spreadsheets in Slovenian locales write
// semicolons), UTF-8 with or without a byte-order mark.
type Metadata struct {
	rows []*row
}

// row is one CSV row; problem is set when the row itself is unusable.
type row struct {
	line         int
	file         string
	input        models.DocumentInput
	partnerships []string
	problem      string
}

// column names the CSV accepts, by the document field each fills.
var columnAliases = map[string]string{
	"file": "file", "file_name": "file", "filename": "file", "path": "file",
	"kind":         "kind",
	"archival_ref": "archival_ref", "archival_reference": "archival_ref", "reference": "archival_ref",
	"original_date": "original_date", "date": "original_date",
	"partnership": "partnership", "partnership_slug": "partnership", "partnerships": "partnership",
	"language": "language", "source": "source", "custodian": "custodian", "notes": "notes",
}

// ParseMetadata reads a metadata CSV. A header it cannot use (no file
// column, an unknown column, a title in a locale that is not configured)
// or text that is not CSV refuses the whole file (models.ErrInvalid),
// before anything is stored; a bad row only fails the file it describes.
func ParseMetadata(r io.Reader, l models.Locales) (*Metadata, error) {
	br := bufio.NewReader(r)
	first, _ := br.Peek(4096)
	cr := csv.NewReader(br)
	head, _, _ := strings.Cut(string(first), "\n")
	if strings.Count(head, ";") > strings.Count(head, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: metadata CSV: no header row", models.ErrInvalid)
	}
	cols, err := parseHeader(header, l)
	if err != nil {
		return nil, err
	}
	m := &Metadata{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%w: metadata CSV line %d: not valid CSV (%v)", models.ErrInvalid, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%w: metadata CSV cannot be read", models.ErrInvalid)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		m.rows = append(m.rows, parseRow(line, rec, cols))
	}
	return m, nil
}

// parseHeader maps each column to the field it fills.
func parseHeader(header []string, l models.Locales) ([]string, error) {
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		name = strings.ReplaceAll(name, " ", "_")
		field := columnAliases[name]
		if loc, ok := strings.CutPrefix(name, "title_"); ok {
			if !l.Has(loc) {
				return nil, fmt.Errorf("%w: metadata CSV column %q: locale %q is not configured (have %s)", models.ErrInvalid, h, loc, strings.Join(l.Supported, ", "))
			}
			field = "title_" + loc
		}
		switch {
		case !utf8.ValidString(h):
			return nil, fmt.Errorf("%w: metadata CSV: the header is not UTF-8", models.ErrInvalid)
		case field == "":
			return nil, fmt.Errorf("%w: metadata CSV: unknown column %q (known: file, kind, title_<locale>, archival_ref, original_date, partnership, language, source, custodian, notes)", models.ErrInvalid, h)
		case seen[field]:
			return nil, fmt.Errorf("%w: metadata CSV: column %q appears twice", models.ErrInvalid, h)
		}
		seen[field] = true
		cols[i] = field
	}
	if !seen["file"] {
		return nil, fmt.Errorf("%w: metadata CSV: there is no file column", models.ErrInvalid)
	}
	return cols, nil
}

func parseRow(line int, rec []string, cols []string) *row {
	r := &row{line: line, input: models.DocumentInput{Title: models.Localized{}}}
	if len(rec) != len(cols) {
		r.problem = fmt.Sprintf("has %d fields, the header has %d", len(rec), len(cols))
	}
	for i, v := range rec {
		if i >= len(cols) {
			break
		}
		if !utf8.ValidString(v) {
			r.problem = fmt.Sprintf("column %d is not UTF-8 text", i+1)
			continue
		}
		v = strings.TrimSpace(v)
		p := &r.input.Provenance
		switch f := cols[i]; f {
		case "file":
			r.file = strings.TrimPrefix(strings.TrimPrefix(v, "./"), "data/")
		case "kind":
			r.input.Kind = models.DocumentKind(v)
		case "archival_ref":
			p.ArchivalRef = v
		case "original_date":
			p.OriginalDate = v
		case "partnership":
			r.partnerships = strings.FieldsFunc(v, func(c rune) bool { return c == ';' || c == ',' || c == '|' || c == ' ' })
		case "language":
			r.input.Language = v
		case "source":
			p.Source = v
		case "custodian":
			p.Custodian = v
		case "notes":
			p.Notes = v
		default:
			if v != "" {
				r.input.Title[strings.TrimPrefix(f, "title_")] = v
			}
		}
	}
	if r.file == "" && r.problem == "" {
		r.problem = "names no file"
	}
	return r
}

// columnOf names the CSV column of a validation problem's field, so a
// row's error speaks the CSV's language (title.sl → title_sl).
func columnOf(field string) string {
	switch {
	case strings.HasPrefix(field, "title."):
		return "title_" + strings.TrimPrefix(field, "title.")
	case strings.HasPrefix(field, "provenance."):
		return strings.TrimPrefix(field, "provenance.")
	case strings.HasPrefix(field, "partnership_ids"):
		return "partnership"
	}
	return field
}
