package docindex

import (
	"slices"
	"strings"

	"github.com/jesenice/twincms/models"
)

// Query answers a document list or archive search as the database would
// (same filters, same order: newest first, then id), with copies of the
// records on the page.
//
// The search starts from the shortest list that holds every match (see
// candidates): with one filter that list is exactly the answer, so a page
// costs O(page) whatever the store's size; with several, only that list
// is walked.
func (x *Index) Query(q models.DocumentQuery) models.List[*models.Document] {
	from := (q.Page - 1) * q.PerPage
	items := []*models.Document{}
	var total int64
	x.mu.RLock()
	candidates, exact := x.candidates(q)
	if exact {
		total = int64(len(candidates))
		if from < len(candidates) {
			items = append(items, candidates[from:min(from+q.PerPage, len(candidates))]...)
		}
	} else {
		match := matcher(q)
		for _, d := range candidates {
			if !match(d) {
				continue
			}
			if total >= int64(from) && len(items) < q.PerPage {
				items = append(items, d)
			}
			total++
		}
	}
	x.mu.RUnlock()
	for i, d := range items {
		items[i] = Clone(d)
	}
	return models.List[*models.Document]{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}
}

// candidates returns records in list order that include every match of
// q, and whether they are all matches (q has one filter, and these are
// its list). Call with mu held; the slice may be the index's own.
func (x *Index) candidates(q models.DocumentQuery) ([]*models.Document, bool) {
	// best is what will be walked; listed says it is exactly the matches
	// of the one filter that chose it.
	best, filters, listed := x.order, 0, false
	take := func(l []*models.Document) {
		if filters++; filters == 1 || len(l) < len(best) {
			best, listed = l, true
		}
	}
	if q.Kind != "" {
		take(x.keyed.kind[q.Kind])
	}
	if q.Status != "" {
		take(x.keyed.status[q.Status])
	}
	if q.Partnership != "" {
		take(x.keyed.partnership[q.Partnership])
	}
	if q.SHA256 != "" {
		take(x.keyed.sha[q.SHA256])
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		if l, ok := x.inYears(q, len(best)); ok && (filters == 0 || len(l) < len(best)) {
			best, listed = l, true
		}
		filters++
	}
	if q.PUID != "" {
		// Not keyed (a rare filter): every record is checked.
		filters++
		listed = false
	}
	if q.Q != "" {
		filters++
		// The records sharing the query's rarest trigram, unless that is
		// a large share of the candidates (then walking them is cheaper
		// than sorting the postings); either way each is checked.
		if post, ok := x.grams.rarest(models.FoldText(q.Q)); ok && len(post) < len(best)/4 {
			best = x.live(post)
		}
		listed = false
	}
	return best, filters == 0 || (filters == 1 && listed)
}

// inYears returns the records dated in q's year range, or agreeing with
// its AlsoIDs, in list order — false when that would gather more than
// limit/2 records (walking all is then as cheap). Call with mu held.
func (x *Index) inYears(q models.DocumentQuery, limit int) ([]*models.Document, bool) {
	lo, hi := max(q.YearFrom, 1), q.YearTo
	n := len(q.AlsoIDs)
	var years [][]*models.Document
	for y, l := range x.keyed.year {
		if y >= lo && (hi == 0 || y <= hi) {
			years = append(years, l)
			n += len(l)
		}
	}
	if n > limit/2 {
		return nil, false
	}
	out := make([]*models.Document, 0, n)
	for _, l := range years {
		out = append(out, l...)
	}
	seen := map[string]bool{}
	for _, id := range q.AlsoIDs {
		// A record dated in the range is in out already.
		if d, ok := x.byID[id]; ok && !seen[id] && (d.Year < lo || (hi != 0 && d.Year > hi)) {
			seen[id] = true
			out = append(out, d)
		}
	}
	slices.SortFunc(out, compare)
	return out, true
}

// live returns the postings that still are the current record, in list
// order (call with mu held).
func (x *Index) live(post []*models.Document) []*models.Document {
	out := make([]*models.Document, 0, len(post))
	for _, d := range post {
		if x.byID[d.ID] == d {
			out = append(out, d)
		}
	}
	slices.SortFunc(out, compare)
	return out
}

// matcher is q's filter as a predicate; storage.Documents.List states the
// same filter for the database.
func matcher(q models.DocumentQuery) func(*models.Document) bool {
	text := ""
	if q.Q != "" {
		text = models.FoldText(q.Q)
	}
	var also map[string]bool
	if len(q.AlsoIDs) > 0 {
		also = make(map[string]bool, len(q.AlsoIDs))
		for _, id := range q.AlsoIDs {
			also[id] = true
		}
	}
	byYear := q.YearFrom > 0 || q.YearTo > 0
	return func(d *models.Document) bool {
		switch {
		case q.Kind != "" && d.Kind != q.Kind,
			q.Status != "" && d.Status != q.Status,
			q.SHA256 != "" && d.File.SHA256 != q.SHA256,
			q.PUID != "" && (d.Format == nil || d.Format.PUID != q.PUID),
			q.Partnership != "" && !slices.Contains(d.PartnershipIDs, q.Partnership),
			text != "" && !strings.Contains(d.Search, text):
			return false
		}
		if byYear {
			// Year 0 is "no date": never inside a range.
			in := d.Year >= max(q.YearFrom, 1) && (q.YearTo == 0 || d.Year <= q.YearTo)
			return in || also[d.ID]
		}
		return true
	}
}
