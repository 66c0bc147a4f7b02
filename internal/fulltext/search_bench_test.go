package fulltext

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// benchWords: real Slovenian and German words of the archive's subject
// (with č/š/ž) plus made-up ones, drawn with a Zipf skew so some are
// common and most rare, as in real text.
var benchWords = strings.Fields(`občina jesenice pobratenje listina sodelovanje čezmejno železarna
skupščina župan prijateljstvo delegacija obisk kultura šport mladina gasilci glasbena šola
gemeinde partnerschaft urkunde zusammenarbeit bürgermeister besuch freundschaft jubiläum
valjevo trbovlje nagold trbiž šentjakob rož srbija avstrija italija nemčija leto obletnica
zbornik pogodba dogovor sporazum podpis slovesnost razstava koncert turnir ekskurzija`)

func benchText(r *rand.Rand, zipf *rand.Zipf, pages int) string {
	var b strings.Builder
	for p := 0; p < pages; p++ {
		for w := 0; w < 250; w++ { // ~1,800 characters a page
			i := int(zipf.Uint64())
			if i < len(benchWords) {
				b.WriteString(benchWords[i])
			} else {
				fmt.Fprintf(&b, "beseda%d", i)
			}
			b.WriteByte(' ')
		}
		b.WriteString("\n\f")
	}
	return b.String()
}

// benchIndex builds an on-disk index of n documents with generated text
// of 2–20 pages each and reports the indexing rate, disk and heap.
func benchIndex(b *testing.B, n int) (*Index, map[string]float64) {
	dir := filepath.Join(b.TempDir(), "search")
	x, err := Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 1, 50000)
	recs := make(fakeRecords, n)
	texts := fakeTexts{}
	for i := range recs {
		id := fmt.Sprintf("%024x", i)
		recs[i] = &models.Document{ID: id, Kind: models.KindPublication, Status: models.DocumentActive, Version: 1,
			Title: models.Localized{"sl": fmt.Sprintf("Zbornik %d %s", i, benchWords[i%len(benchWords)])}, Year: 1950 + i%75,
			Text: &models.TextFacts{Status: models.TextDone, Key: models.TextKey(id)}}
		texts[id] = benchText(r, zipf, 2+r.IntN(19))
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	s := NewSync(SyncConfig{Index: x, Records: recs, Texts: texts})
	if err := s.Once(context.Background()); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	var textBytes int
	for _, t := range texts {
		textBytes += len(t)
	}
	// Let scorch's background merges of the bulk load finish (a steady
	// index is what queries meet), then measure the disk.
	time.Sleep(5 * time.Second)
	return x, map[string]float64{"indexed-docs/s": float64(n) / took.Seconds(), "index-disk-MiB": float64(x.DiskBytes()) / (1 << 20),
		"text-MiB": float64(textBytes) / (1 << 20), "index-heap-MiB": float64(int64(after.HeapInuse)-int64(before.HeapInuse)) / (1 << 20)}
}

// BenchmarkTwoTermQuery10k: a two-term query (one common word, one of
// middling frequency) at 10,000 documents with 2–20 pages of text each;
// reports p50 and p99 over the run (targets: p50 ≤ 20 ms, p99 ≤ 100 ms).
// TWINCMS_BENCH_DOCS changes the count.
func BenchmarkTwoTermQuery10k(b *testing.B) {
	n := 10000
	if v := os.Getenv("TWINCMS_BENCH_DOCS"); v != "" {
		fmt.Sscan(v, &n)
	}
	x, facts := benchIndex(b, n)
	defer x.Close()
	ctx := context.Background()
	queries := []string{"občina sodelovanje", "listina valjevo", "zusammenarbeit jubilaum", "cezmejno zelezarna",
		"beseda120 pobratenje", "zupan obisk", "beseda77 beseda901", "nagold partnerschaft"}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := x.Search(ctx, Query{Text: queries[i%len(queries)], Page: 1, PerPage: 20}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	for k, v := range facts {
		b.ReportMetric(v, k)
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
