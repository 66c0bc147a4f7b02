package fulltext

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/jesenice/twincms/models"
)

// The three analyzers every searchable text is indexed with. A term of a
// query matches when any of them matches it, so "listina" finds
// "Listina" (plain: lowercased, diacritics folded, so "cezmejno" finds
// "čezmejno"), "listine" finds "Listina" (Slovenian: folded, then a light
// suffix stripper of our own — neither bleve nor Snowball has a
// Slovenian stemmer) and "Urkunden" finds "Urkunde" (German: bleve's
// German normalisation and light stemmer, after folding).
//
// Italian and Serbian texts are found by their folded word forms only;
// Serbian Cyrillic is lowercased, not transliterated.
const (
	analyzerPlain = "twincms_plain"
	analyzerSL    = "twincms_sl"
	analyzerDE    = "twincms_de"
	filterFold    = "twincms_fold"
	filterSL      = "twincms_sl_light"
)

func init() {
	must(registry.RegisterTokenFilter(filterFold, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}))
	must(registry.RegisterTokenFilter(filterSL, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return slovenianFilter{}, nil
	}))
	for name, filters := range map[string][]string{
		analyzerPlain: {lowercase.Name, filterFold},
		analyzerSL:    {lowercase.Name, filterFold, filterSL},
		analyzerDE:    {lowercase.Name, de.NormalizeName, filterFold, de.LightStemmerName},
	} {
		must(registry.RegisterAnalyzer(name, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
			tok, err := cache.TokenizerNamed(unitok.Name)
			if err != nil {
				return nil, err
			}
			a := &analysis.DefaultAnalyzer{Tokenizer: tok}
			for _, f := range filters {
				tf, err := cache.TokenFilterNamed(f)
				if err != nil {
					return nil, err
				}
				a.TokenFilters = append(a.TokenFilters, tf)
			}
			return a, nil
		}))
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// foldFilter strips diacritics from each term (models.FoldText: č → c,
// ü → u), keeping the token's offsets in the original text so snippets
// highlight the words as written.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if !isASCII(t.Term) {
			t.Term = []byte(models.FoldText(string(t.Term)))
		}
	}
	return in
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// slovenianSuffixes are the case endings of Slovenian nouns and
// adjectives (folded), longest first; slovenianFilter strips the first
// that leaves a stem of at least minStem letters.
var slovenianSuffixes = []string{
	"ijama", "ijami", "ijah", "ijem", "ijo",
	"jema", "jemu", "jega", "jimi",
	"ega", "emu", "ima", "ama", "ami", "emi", "imi", "jem", "jih", "jim", "jev", "jeh",
	"ih", "im", "om", "em", "ov", "ev", "ah", "am", "ja", "je", "ji", "jo", "ju", "mi",
	"a", "e", "i", "o", "u",
}

const minStem = 4

// slovenianFilter is a light stemmer: "listina", "listine", "listino",
// "listinami" all become "listin"; "pobratenju", "pobratenja" and
// "pobratenje" become "pobraten". Words with digits are left alone.
type slovenianFilter struct{}

func (slovenianFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = []byte(stemSlovenian(string(t.Term)))
	}
	return in
}

func stemSlovenian(w string) string {
	n := utf8.RuneCountInString(w)
	if n <= minStem {
		return w
	}
	for _, r := range w {
		if !unicode.IsLetter(r) {
			return w
		}
	}
	for _, s := range slovenianSuffixes {
		if len(w) > len(s) && w[len(w)-len(s):] == s && utf8.RuneCountInString(w[:len(w)-len(s)]) >= minStem {
			return w[:len(w)-len(s)]
		}
	}
	return w
}
