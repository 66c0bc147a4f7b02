package fulltext

import (
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// snippetBytes is about how much text a snippet shows; maxSpans bounds
// the matches looked at (a common word in a long text has thousands).
const (
	snippetBytes = 220
	maxSpans     = 500
)

// span is a matched word's byte offsets in the body.
type span struct{ start, end int }

// makeSnippet picks the window of body holding the most distinct matched
// words and returns it as escaped HTML with each match in <mark>, and
// the distinct matched words as written.
func makeSnippet(body string, spans []span) (string, []string) {
	spans = slices.DeleteFunc(spans, func(s span) bool { return s.start < 0 || s.end > len(body) || s.start >= s.end })
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	spans = slices.CompactFunc(spans, func(a, b span) bool { return a.start == b.start })
	// Each match's word, folded once; a window's distinct words counted
	// in a small slice (a window holds a few dozen words at most).
	keys := make([]string, len(spans))
	for i, sp := range spans {
		keys[i] = strings.ToLower(body[sp.start:sp.end])
	}
	from, best := 0, -1
	var seen []string
	for i, s := range spans {
		seen = seen[:0]
		for j := i; j < len(spans) && spans[j].end <= s.start+snippetBytes; j++ {
			if !slices.Contains(seen, keys[j]) {
				seen = append(seen, keys[j])
			}
		}
		if len(seen) > best {
			best, from = len(seen), max(0, s.start-40)
		}
	}
	from = wordStart(body, from)
	to := wordEnd(body, min(len(body), from+snippetBytes))
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	var terms []string
	pos := from
	for _, s := range spans {
		if s.start < pos || s.end > to {
			continue
		}
		b.WriteString(html.EscapeString(body[pos:s.start]))
		w := body[s.start:s.end]
		b.WriteString("<mark>" + html.EscapeString(w) + "</mark>")
		if !slices.Contains(terms, w) {
			terms = append(terms, w)
		}
		pos = s.end
	}
	b.WriteString(html.EscapeString(body[pos:to]))
	if to < len(body) {
		b.WriteString("…")
	}
	return strings.Join(strings.Fields(b.String()), " "), terms
}

// wordStart moves i back to the start of the word it is in.
func wordStart(s string, i int) int {
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	if i == 0 {
		return 0
	}
	if j := strings.LastIndexAny(s[:i], " \n\t"); j >= 0 && i-j < 30 {
		return j + 1
	}
	return i
}

// wordEnd moves i on to the end of the word it is in.
func wordEnd(s string, i int) int {
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	if j := strings.IndexAny(s[i:], " \n\t"); j >= 0 && j < 30 {
		return i + j
	}
	return i
}
