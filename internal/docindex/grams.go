package docindex

import (
	"github.com/jesenice/twincms/models"
)

// grams is an inverted index of the byte trigrams of each record's folded
// search text, so that a q search reads the records sharing the query's
// rarest trigram instead of every record. A record that holds a query as
// a substring holds each of its trigrams, so no match is missed; the
// candidates are then checked with the full filter.
//
// Postings point at the record version that was indexed; a newer version
// or a removal leaves them dead (the live record is another pointer, or
// none) until the postings are rebuilt, once dead entries outnumber live
// ones.
type grams struct {
	post       map[uint32][]*models.Document
	live, dead int
}

func newGrams() *grams { return &grams{post: map[uint32][]*models.Document{}} }

// trigrams returns the distinct byte trigrams of s.
func trigrams(s string) []uint32 {
	if len(s) < 3 {
		return nil
	}
	seen := make(map[uint32]struct{}, len(s))
	out := make([]uint32, 0, len(s))
	for i := 0; i+3 <= len(s); i++ {
		g := uint32(s[i])<<16 | uint32(s[i+1])<<8 | uint32(s[i+2])
		if _, ok := seen[g]; !ok {
			seen[g] = struct{}{}
			out = append(out, g)
		}
	}
	return out
}

func (g *grams) add(d *models.Document) {
	for _, t := range trigrams(d.Search) {
		g.post[t] = append(g.post[t], d)
		g.live++
	}
}

// drop marks d's postings dead.
func (g *grams) drop(d *models.Document) {
	n := len(trigrams(d.Search))
	g.live -= n
	g.dead += n
}

// rebuild indexes byID afresh when dead postings outnumber live ones.
func (g *grams) compact(byID map[string]*models.Document) {
	if g.dead <= g.live || g.dead < 1<<16 {
		return
	}
	g.post, g.live, g.dead = map[uint32][]*models.Document{}, 0, 0
	for _, d := range byID {
		g.add(d)
	}
}

// rarest returns the postings of text's rarest trigram, and false when
// text is too short to have one.
func (g *grams) rarest(text string) ([]*models.Document, bool) {
	ts := trigrams(text)
	if len(ts) == 0 {
		return nil, false
	}
	best := g.post[ts[0]]
	for _, t := range ts[1:] {
		if p := g.post[t]; len(p) < len(best) {
			best = p
		}
	}
	return best, true
}
