package fulltext

import (
	"context"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Query is a full-text search: every word of Text must match (in any
// searchable field, in any of its analyzed forms), combined with the
// filters of a document list.
type Query struct {
	Text        string
	Kind        string
	Status      string
	Partnership string
	SHA256      string
	PUID        string
	YearFrom    int
	YearTo      int
	// AlsoIDs match the year range whatever their own date (documents
	// recording an agreement of a year in the range).
	AlsoIDs []string
	// OnlyIDs, when not nil, restricts the search to these documents (the
	// published ones, for the public search); empty finds nothing.
	OnlyIDs []string
	Page    int
	PerPage int
}

// Hit is one document found, best first.
type Hit struct {
	ID    string
	Score float64
	// Snippet is an HTML fragment of the document's text: escaped, with
	// the matched words in <mark> elements.
	Snippet string
	// Terms are the matched words as the snippet shows them.
	Terms []string
}

// Result is one page of hits and the total number of matches.
type Result struct {
	Hits  []Hit
	Total int64
}

// Terms splits a query into its words and "quoted phrases"; a query
// without a word is no full-text query.
func Terms(text string) []string {
	var out []string
	rest := strings.TrimSpace(text)
	for rest != "" {
		if rest[0] == '"' {
			if end := strings.IndexByte(rest[1:], '"'); end >= 0 {
				if p := strings.TrimSpace(rest[1 : end+1]); hasWord(p) {
					out = append(out, `"`+p+`"`)
				}
				rest = strings.TrimSpace(rest[end+2:])
				continue
			}
			rest = rest[1:]
		}
		word, after, _ := strings.Cut(rest, " ")
		if w := strings.Trim(word, `"`); hasWord(w) {
			out = append(out, w)
		}
		rest = strings.TrimSpace(after)
	}
	return out
}

func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// fieldBoosts: a word in a title counts more than one in the text.
var fieldBoosts = []struct {
	field, analyzer string
	boost           float64
}{{"title", analyzerPlain, 3}, {"body", analyzerSL, 1}, {"body_de", analyzerDE, 1}}

// scoreSort ranks by relevance, ties by id (a stable order for paging).
var scoreSort = []string{"-_score", "_id"}

// Search runs q. The index must be Ready (else errNotReady).
func (x *Index) Search(ctx context.Context, q Query) (Result, error) {
	if !x.Ready() {
		return Result{}, errNotReady
	}
	var must []query.Query
	for _, t := range Terms(q.Text) {
		var any []query.Query
		for _, f := range fieldBoosts {
			if phrase, ok := strings.CutPrefix(t, `"`); ok {
				if f.field == "body_de" {
					continue
				}
				m := query.NewMatchPhraseQuery(strings.TrimSuffix(phrase, `"`))
				m.SetField(f.field)
				m.Analyzer = f.analyzer
				m.SetBoost(f.boost)
				any = append(any, m)
				continue
			}
			m := query.NewMatchQuery(t)
			m.SetField(f.field)
			m.Analyzer = f.analyzer
			m.SetBoost(f.boost)
			m.SetOperator(query.MatchQueryOperatorAnd)
			any = append(any, m)
		}
		must = append(must, query.NewDisjunctionQuery(any))
	}
	byText := len(must) > 0
	if !byText {
		if q.OnlyIDs == nil {
			return Result{}, nil
		}
		// The public list without words: every published document.
		must = append(must, query.NewMatchAllQuery())
	}
	for field, v := range map[string]string{"kind": q.Kind, "status": q.Status, "partnership": q.Partnership, "sha256": q.SHA256, "puid": q.PUID} {
		if v != "" {
			tq := query.NewTermQuery(v)
			tq.SetField(field)
			must = append(must, tq)
		}
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		lo := float64(max(q.YearFrom, 1))
		var hi *float64
		if q.YearTo > 0 {
			h := float64(q.YearTo)
			hi = &h
		}
		inc := true
		yr := query.NewNumericRangeInclusiveQuery(&lo, hi, &inc, &inc)
		yr.SetField("year")
		var years query.Query = yr
		if len(q.AlsoIDs) > 0 {
			years = query.NewDisjunctionQuery([]query.Query{yr, query.NewDocIDQuery(q.AlsoIDs)})
		}
		must = append(must, years)
	}
	if q.OnlyIDs != nil {
		if len(q.OnlyIDs) == 0 {
			return Result{}, nil
		}
		must = append(must, query.NewDocIDQuery(q.OnlyIDs))
	}
	// Two passes: rank every match without term locations (cheap), then
	// read the page's bodies and locations for the snippets.
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(must), q.PerPage, (q.Page-1)*q.PerPage, false)
	if byText {
		req.SortBy(scoreSort)
	} else {
		req.SortBy([]string{"-year", "_id"})
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, err
	}
	out := Result{Total: int64(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	if len(res.Hits) == 0 {
		return out, nil
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	detail := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(append(must, query.NewDocIDQuery(ids))), len(ids), 0, false)
	detail.Fields = []string{"body"}
	detail.IncludeLocations = byText
	more, err := x.idx.SearchInContext(ctx, detail)
	if err != nil {
		return Result{}, err
	}
	byID := make(map[string]*search.DocumentMatch, len(more.Hits))
	for _, h := range more.Hits {
		byID[h.ID] = h
	}
	for _, h := range res.Hits {
		d := byID[h.ID]
		if d == nil {
			d = h
		}
		body, _ := d.Fields["body"].(string)
		var spans []span
		for _, field := range []string{"body", "body_de"} {
			for _, locs := range d.Locations[field] {
				for _, l := range locs {
					if len(spans) < maxSpans {
						spans = append(spans, span{int(l.Start), int(l.End)})
					}
				}
			}
		}
		snippet, terms := makeSnippet(body, spans)
		out.Hits = append(out.Hits, Hit{ID: h.ID, Score: h.Score, Snippet: snippet, Terms: terms})
	}
	return out, nil
}
