package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/models"
)

// BenchmarkBulkIngest stores a bag of small PDFs (TWINCMS_BENCH_BAG_FILES,
// default 1,000) into an empty embedded store through the bulk runner the
// command uses, with -j 1, 4 and 8, and reports documents/s:
//
//	go test -run '^$' -bench BulkIngest -benchtime 1x ./cmd/twincms
func BenchmarkBulkIngest(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("TWINCMS_BENCH_BAG_FILES")); err == nil && v > 0 {
		n = v
	}
	bag := writeBag(b, b.TempDir(), tinyPDFs(n, "bench", ""))
	for _, workers := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("j=%d", workers), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				s := emptyServer(b, nil)
				src, err := bulk.Open(bag, "")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				sum, err := s.srv.bulkParts().runner().Run(models.WithActor(context.Background(), models.Actor{Name: "bench"}), src, bulk.Options{Workers: workers})
				b.StopTimer()
				src.Close()
				if err != nil || sum.Stored != n {
					b.Fatalf("%v: %+v", err, sum)
				}
				b.ReportMetric(sum.Rate(), "docs/s")
				s.close()
			}
		})
	}
}
