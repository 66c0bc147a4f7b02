package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/bulk"
	"github.com/jesenice/twincms/models"
)

// BenchmarkBulkIngest stores a bag of small PDFs (TWINCMS_BENCH_BAG_FILES,
// default 1,000) into an empty embedded store through the bulk runner the
// command uses, with -j 1, 4 and 8, and reports documents/s; at -j 4
// side by side with the full-text index off and on (the default, on disk),
// so what indexing costs the upload path shows as a ratio:
//
//	go test -run '^$' -bench BulkIngest -benchtime 1x ./internal/app
func BenchmarkBulkIngest(b *testing.B) {
	n := apitest.EnvInt("TWINCMS_BENCH_BAG_FILES", 1000)
	bag := apitest.WriteBag(b, b.TempDir(), apitest.TinyPDFs(n, "bench", ""))
	type run struct {
		workers int
		index   string
	}
	for _, r := range []run{{1, "disk"}, {4, "off"}, {4, "disk"}, {8, "disk"}} {
		workers := r.workers
		b.Run(fmt.Sprintf("j=%d/index=%s", workers, r.index), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := apitest.Empty(b, map[string]string{"TWINCMS_SEARCH_INDEX": r.index})
				src, err := bulk.Open(bag, "")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := s.CMS.Jobs.Runner.Run(models.WithActor(context.Background(), models.Actor{Name: "bench"}), src, bulk.Options{Workers: workers})
				b.StopTimer()
				src.Close()
				if err != nil || sum.Stored != n {
					b.Fatalf("%v: %+v", err, sum)
				}
				b.ReportMetric(sum.Rate(), "docs/s")
				s.Close()
			}
		})
	}
}
