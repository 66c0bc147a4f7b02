package fulltext

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func BenchmarkPhases(b *testing.B) {
	x, _ := benchIndex(b, 2000)
	defer x.Close()
	for _, q := range []string{"občina sodelovanje", "listina valjevo", "beseda77 beseda901"} {
		var l1, l2 []time.Duration
		for i := 0; i < 20; i++ {
			t0 := time.Now()
			mq := query.NewMatchQuery(q)
			mq.SetField("body")
			mq.Analyzer = analyzerSL
			req := bleve.NewSearchRequestOptions(mq, 20, 0, false)
			_, _ = x.idx.SearchInContext(context.Background(), req)
			l1 = append(l1, time.Since(t0))
			t0 = time.Now()
			_, _ = x.Search(context.Background(), Query{Text: q, Page: 1, PerPage: 20})
			l2 = append(l2, time.Since(t0))
		}
		slices.Sort(l1)
		slices.Sort(l2)
		b.Logf("%q single-field match p50 %v; full Search p50 %v", q, l1[10], l2[10])
	}
}
