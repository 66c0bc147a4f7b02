package docindex

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/jesenice/twincms/models"
)

// seeded makes n records shaped like the archive's (two-locale title,
// archival reference, one partnership, a date).
func seeded(n int) []*models.Document {
	kinds := []models.DocumentKind{models.KindScan, models.KindCharter, models.KindAgreement, models.KindPublication}
	out := make([]*models.Document, n)
	for i := range n {
		d := doc(i, kinds[i%len(kinds)], fmt.Sprintf("p%d", i%50), 1950+i%70)
		d.Title["en"] = fmt.Sprintf("Council minutes no. %d", i)
		d.File.Key, d.File.ContentType, d.File.SHA256 = "originals/"+d.ID, models.TypePDF, fmt.Sprintf("%064x", i)
		d.Renditions = []models.Rendition{}
		d.Apply(d.Input())
		out[i] = d
	}
	return out
}

// BenchmarkIndexHeap reports the heap the index of 10,000 records takes
// (records, order and lookups), as MiB-per-10k.
func BenchmarkIndexHeap(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x := New()
		x.FinishLoad(seeded(10000))
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB-per-10k")
		runtime.KeepAlive(x)
	}
}

// BenchmarkIndexQuery is the in-memory cost of the archive's searches at
// 100 and 10,000 records.
func BenchmarkIndexQuery(b *testing.B) {
	for _, n := range []int{100, 10000} {
		x := New()
		x.FinishLoad(seeded(n))
		for name, q := range map[string]models.DocumentQuery{
			"list":        {},
			"q":           {Q: "REF-50"},
			"kind":        {Kind: models.KindCharter},
			"year":        {YearFrom: 1960, YearTo: 1962},
			"partnership": {Partnership: "p7"},
			"sha256":      {SHA256: fmt.Sprintf("%064x", n/2)},
		} {
			q.Page, q.PerPage = 1, 20
			b.Run(fmt.Sprintf("n=%d/%s", n, name), func(b *testing.B) {
				for b.Loop() {
					x.Query(q)
				}
			})
		}
	}
}
