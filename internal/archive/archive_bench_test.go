package archive_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// BenchmarkArchive500MB measures, side by side on one embedded store with
// a partnership of five 100 MB scans: reading the objects raw, the fixity
// audit over them (unthrottled), and streaming their BagIt export through
// HTTP, with the heap growth of each.
func BenchmarkArchive500MB(b *testing.B) {
	s := apitest.BenchServer(b)
	ctx := models.WithActor(context.Background(), models.Actor{Name: "bench"})
	p := &models.Partnership{Slug: "bag-bench", Relation: models.RelationTwin,
		Partner: models.Partner{Name: models.Localized{"sl": "Vreča"}, Country: "SI"}}
	p, err := s.CMS.Content.Partnerships.Create(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	const n, size = 5, 100 << 20
	var docs []*models.Document
	for i := range n {
		d, err := s.CMS.Ingest.Ingest(models.WithActor(ctx, models.Actor{Name: "bench"}), models.IncomingFile{Body: apitest.NewScanReader(uint64(i)+77, size), Filename: fmt.Sprintf("scan-%d.pdf", i)},
			models.DocumentInput{Kind: models.KindScan, Title: models.Localized{"sl": fmt.Sprint("Sken ", i)}, PartnershipIDs: []string{p.ID}})
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
	}
	s.CMS.Fixity.RateBytes = 0

	b.Run("raw-read", func(b *testing.B) {
		apitest.MeasureHeapGrowth(b, n*size, func(int) {
			for _, d := range docs {
				rc, _, err := s.CMS.Objects.Get(ctx, d.File.Key)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, rc)
				rc.Close()
			}
		})
	})
	b.Run("fixity-audit", func(b *testing.B) {
		apitest.MeasureHeapGrowth(b, n*size, func(int) {
			run, err := s.CMS.Fixity.Audit(ctx)
			if err != nil || run.OK != n {
				b.Fatalf("audit: %+v %v", run, err)
			}
		})
	})
	b.Run("bag-export", func(b *testing.B) {
		apitest.MeasureHeapGrowth(b, n*size, func(int) {
			hr, _ := http.NewRequest("GET", s.Base+"/api/v1/archive/partnerships/"+p.ID+"/bag", nil)
			hr.Header.Set("Authorization", "Bearer "+apitest.AdminToken)
			res, err := apitest.Client.Do(hr)
			if err != nil {
				b.Fatal(err)
			}
			got, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 || got < n*size {
				b.Fatalf("bag: %d, %d bytes", res.StatusCode, got)
			}
		})
	})
}
