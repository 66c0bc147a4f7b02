package publish_test

import (
	"strconv"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// BenchmarkChangedDocument is the change hook's cost for a new upload (a
// document no published content refers to), as bulk ingest pays it once a
// document, on the shared server's real embedded database.
func BenchmarkChangedDocument(b *testing.B) {
	pub := apitest.Shared(b).CMS.Published
	ctx := b.Context()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "bench-" + strconv.Itoa(i), Action: models.ActionCreate, Version: 1})
	}
}

// BenchmarkChangedDocumentParallel is BenchmarkChangedDocument from
// several goroutines at once, as concurrent uploads call it: what they
// wait for each other.
func BenchmarkChangedDocumentParallel(b *testing.B) {
	pub := apitest.Shared(b).CMS.Published
	ctx := b.Context()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "bench-p-" + strconv.Itoa(i), Action: models.ActionCreate, Version: 1})
		}
	})
}
