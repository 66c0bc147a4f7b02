package handlers

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jesenice/twincms/models"
)

// maxPerPage caps list pages, as the design fixes.
const maxPerPage = 100

// Bounds of the archive's year filters.
const minYear, maxYear = 1000, 9999

// queryFunc reads one query parameter ("" when absent): c.Query in the
// handlers, a plain function in fuzz tests. Values alias request memory:
// what is kept is cloned.
type queryFunc func(name string, def ...string) string

// parseListQuery reads and checks list parameters; every bad one is named.
func parseListQuery(get queryFunc) (models.ListQuery, error) {
	q := models.ListQuery{}
	var p models.Problems
	q.Page, q.PerPage = parsePaging(get, &p)
	q.Q = parseSearch(get, &p)
	if s := get("status"); s != "" {
		if q.Status = models.Status(strings.Clone(s)); !q.Status.Valid() {
			p.Add("status", "must be draft, published or archived")
		}
	}
	switch s := get("unpublished_changes"); s {
	case "":
	case "true", "false":
		v := s == "true"
		q.UnpublishedChanges = &v
	default:
		p.Add("unpublished_changes", "must be true or false")
	}
	if s := get("relation"); s != "" {
		if _, ok := models.FindTerm(models.Relations, s); !ok {
			p.Add("relation", "must be twin, partner, friendship or cross_border")
		}
		q.Relation = strings.Clone(s)
	}
	if s := get("country"); s != "" {
		if q.Country = strings.ToUpper(s); !models.ValidCountry(q.Country) {
			p.Add("country", "must be an ISO 3166-1 alpha-2 code")
		}
	}
	if s := get("area"); s != "" {
		if _, ok := models.FindTerm(models.Areas, s); !ok {
			p.Add("area", "is not a known cooperation area")
		}
		q.Area = strings.Clone(s)
	}
	if s := get("sort"); len(s) > 40 {
		p.Add("sort", "is not a known sort order")
	} else {
		q.Sort = strings.Clone(s)
	}
	return q, p.Err(models.ErrMalformed)
}

// parseDocumentQuery reads the filters of the editor and archive document
// lists; every bad one is named, and a year range that ends before it
// starts is refused rather than answered with nothing.
func parseDocumentQuery(get queryFunc) (models.DocumentQuery, error) {
	var p models.Problems
	q := models.DocumentQuery{}
	q.Page, q.PerPage = parsePaging(get, &p)
	q.Q = parseSearch(get, &p)
	if s := get("kind"); s != "" {
		if q.Kind = models.DocumentKind(strings.Clone(s)); !q.Kind.Valid() {
			p.Add("kind", "is not a document kind")
		}
	}
	if s := get("status"); s != "" {
		q.Status = models.DocumentStatus(strings.Clone(s))
		if !slices.Contains([]models.DocumentStatus{models.DocumentActive, models.DocumentWithdrawn}, q.Status) {
			p.Add("status", "must be active or withdrawn")
		}
	}
	if s := get("partnership"); s != "" {
		if !models.ValidID(s) {
			p.Add("partnership", "must be a partnership id (24 hex characters)")
		}
		q.Partnership = strings.Clone(s)
	}
	if s := get("sha256"); s != "" {
		if q.SHA256 = strings.ToLower(s); len(q.SHA256) != 64 || strings.Trim(q.SHA256, "0123456789abcdef") != "" {
			p.Add("sha256", "must be 64 hex characters")
		}
	}
	if s := get("puid"); s != "" {
		if q.PUID = strings.Clone(s); !validPUID(q.PUID) {
			p.Add("puid", "must be a PRONOM identifier such as fmt/18 or x-fmt/111")
		}
	}
	q.YearFrom = parseInt(get, &p, "year_from", 0, minYear, maxYear)
	q.YearTo = parseInt(get, &p, "year_to", 0, minYear, maxYear)
	if q.YearFrom > 0 && q.YearTo > 0 && q.YearFrom > q.YearTo {
		p.Add("year_from", "must not be after year_to")
	}
	return q, p.Err(models.ErrMalformed)
}

// validPUID: fmt/N, x-fmt/N (PRONOM's two namespaces), or UNKNOWN.
func validPUID(s string) bool {
	if s == "UNKNOWN" {
		return true
	}
	n, ok := strings.CutPrefix(s, "fmt/")
	if !ok {
		n, ok = strings.CutPrefix(s, "x-fmt/")
	}
	return ok && n != "" && len(n) <= 6 && strings.Trim(n, "0123456789") == ""
}

// parseInt reads an optional integer query parameter within [lo, hi].
func parseInt(get queryFunc, p *models.Problems, name string, def, lo, hi int) int {
	s := get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi || s[0] == '+' {
		p.Add(name, "must be an integer from %d to %d", lo, hi)
		return def
	}
	return n
}

// parsePaging reads page (from 1) and per_page (1..100, default 20).
func parsePaging(get queryFunc, p *models.Problems) (int, int) {
	return parseInt(get, p, "page", 1, 1, 100000), parseInt(get, p, "per_page", 20, 1, maxPerPage)
}

// parseSearch reads the q filter (a copy; Fiber reuses request memory).
func parseSearch(get queryFunc, p *models.Problems) string {
	s := get("q")
	if !utf8.ValidString(s) {
		p.Add("q", "must be valid UTF-8")
		return ""
	}
	if utf8.RuneCountInString(s) > 100 {
		p.Add("q", "must be at most 100 characters")
	}
	return strings.Clone(s)
}
