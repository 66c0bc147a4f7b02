package fulltext

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var (
	fuzzOnce  sync.Once
	fuzzIndex *Index
)

// fuzzIdx is a small in-memory index shared by the fuzz inputs.
func fuzzIdx(t *testing.T) *Index {
	fuzzOnce.Do(func() {
		x, err := Open("")
		if err != nil {
			t.Fatal(err)
		}
		recs := fakeRecords{doc("a", "Listina o pobratenju", 1975, true), doc("b", "Dogovor o čezmejnem sodelovanju", 2009, true)}
		texts := fakeTexts{"a": `Skupščina občine Jesenice in Valjevo. <b>"Železarna"</b> & čestitke.`,
			"b": "Die Partnerschaftsurkunden der Gemeinden. Тrbiž, Трбиж, 1994."}
		if err := NewSync(SyncConfig{Index: x, Records: recs, Texts: texts}).Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		fuzzIndex = x
	})
	return fuzzIndex
}

// FuzzSearchQuery: any q a client sends (valid UTF-8 of at most 100
// characters, as the handlers let through) splits into terms that each
// hold a word, phrases quoted, re-splitting the terms gives them again;
// the search runs without an error, and every snippet is escaped HTML
// whose only elements are <mark>.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"Valjevo 1975", `"listina o pobratenju" 1975`, `"`, `""`, `"a`, `a"b "c d" e"`, "čezmejno", "<mark>x",
		"\t\n", "a\tb", "***", "listina AND NOT", "-1975", "Трбиж", `" " "x"`, "\x00", "fmt/18"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if !utf8.ValidString(q) || utf8.RuneCountInString(q) > 100 {
			return
		}
		terms := Terms(q)
		for _, term := range terms {
			if !hasWord(term) {
				t.Fatalf("Terms(%q) has %q without a word", q, term)
			}
			if strings.HasPrefix(term, `"`) != (len(term) > 1 && strings.HasSuffix(term, `"`) && strings.Count(term, `"`) == 2) {
				t.Fatalf("Terms(%q) has a half-quoted %q", q, term)
			}
		}
		if again := Terms(strings.Join(terms, " ")); !slices.Equal(again, terms) {
			t.Fatalf("Terms(%q) = %q, but its terms split again into %q", q, terms, again)
		}
		res, err := fuzzIdx(t).Search(context.Background(), Query{Text: q, Page: 1, PerPage: 10})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, h := range res.Hits {
			rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(h.Snippet)
			if strings.ContainsAny(rest, `<>"`) || !utf8.ValidString(h.Snippet) {
				t.Fatalf("Search(%q): snippet %q is not escaped text with <mark>", q, h.Snippet)
			}
		}
	})
}
