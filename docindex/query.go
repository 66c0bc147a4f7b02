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
// A checksum or partnership filter starts from that index (a handful of
// records); the other filters walk the ordered records once, which at
// 10,000 records takes well under a millisecond, far below the cost of a
// request.
func (x *Index) Query(q models.DocumentQuery) models.List[*models.Document] {
	match := matcher(q)
	x.mu.RLock()
	candidates := x.order
	switch {
	case q.SHA256 != "":
		candidates = x.pick(x.bySHA[q.SHA256])
	case q.Partnership != "":
		ids := make([]string, 0, len(x.byPartnership[q.Partnership]))
		for id := range x.byPartnership[q.Partnership] {
			ids = append(ids, id)
		}
		candidates = x.pick(ids)
	case q.Q != "":
		// The records sharing the query's rarest trigram, unless that is
		// a large share of all (then walking the order is cheaper than
		// sorting them).
		if post, ok := x.grams.rarest(models.FoldText(q.Q)); ok && len(post) < len(x.order)/4 {
			candidates = x.live(post)
		}
	}
	from := (q.Page - 1) * q.PerPage
	items := []*models.Document{}
	var total int64
	for _, d := range candidates {
		if !match(d) {
			continue
		}
		if total >= int64(from) && len(items) < q.PerPage {
			items = append(items, d)
		}
		total++
	}
	x.mu.RUnlock()
	for i, d := range items {
		items[i] = Clone(d)
	}
	return models.List[*models.Document]{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}
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

// pick returns the records of ids in list order (call with mu held).
func (x *Index) pick(ids []string) []*models.Document {
	out := make([]*models.Document, 0, len(ids))
	for _, id := range ids {
		if d, ok := x.byID[id]; ok {
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
