package content_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// BenchmarkEditorReads measures list and get through HTTP on the embedded
// store at 5, 500 and 5,000 partnerships, so the cost curve of the
// SQLite-backed FerretDB (which scans) is visible side by side.
func BenchmarkEditorReads(b *testing.B) {
	for _, n := range []int{5, 500, 5000} {
		s := apitest.BenchServer(b)
		ids := populate(b, s, n)
		b.Run(fmt.Sprintf("list/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				apitest.Expect(b, s.Do(b, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?per_page=20&sort=name", Token: apitest.AdminToken}), 200)
			}
		})
		b.Run(fmt.Sprintf("list-filtered/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				apitest.Expect(b, s.Do(b, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?country=AT&q=town", Token: apitest.AdminToken}), 200)
			}
		})
		b.Run(fmt.Sprintf("get/n=%d", n), func(b *testing.B) {
			i := 0
			for b.Loop() {
				apitest.Expect(b, s.Do(b, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + ids[i%len(ids)], Token: apitest.AdminToken}), 200)
				i++
			}
		})
		b.Run(fmt.Sprintf("public-list/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				apitest.Expect(b, s.Do(b, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/town-1?locale=en"}), 200)
			}
		})
		s.Close() // free it before the next size; Cleanup then does nothing
	}
}

// populate stores n published partnerships through the content service
// (faster than HTTP; the reads are what is measured).
func populate(b *testing.B, s *apitest.Server, n int) []string {
	b.Helper()
	ctx := models.WithActor(context.Background(), models.Actor{Name: "bench"})
	parts := s.QuietContent().Partnerships
	countries := []string{"SI", "AT", "IT", "DE", "RS", "HR"}
	ids := make([]string, 0, n)
	for i := range n {
		p := &models.Partnership{Slug: fmt.Sprintf("town-%d", i), Relation: models.RelationTwin, Sort: i,
			Partner: models.Partner{Name: models.Localized{"sl": fmt.Sprintf("Mesto %d", i), "en": fmt.Sprintf("Town %d", i)}, Country: countries[i%len(countries)]},
			Summary: models.Localized{"sl": "<p>Sodelovanje na področju kulture in športa.</p>"}}
		created, err := parts.Create(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := parts.Transition(ctx, created.ID, 1, models.ActionPublish); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, created.ID)
	}
	if err := s.CMS.Published.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	return ids
}

// BenchmarkContentPatch measures one content write on the embedded store,
// with 50 published partnerships beside it: through HTTP, through the
// content service with the server's hooks (the published snapshot's
// update), and through a content service with no hooks; the differences
// are what HTTP and the hook cost.
func BenchmarkContentPatch(b *testing.B) {
	s := apitest.BenchServer(b)
	ids := populate(b, s, 50)
	ctx := models.WithActor(context.Background(), models.Actor{Name: "bench"})
	v := int64(2) // created, then published
	b.Run("http", func(b *testing.B) {
		for b.Loop() {
			apitest.Expect(b, s.Do(b, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + ids[0], Token: apitest.AdminToken,
				Headers: apitest.IfMatch(v), Body: map[string]any{"sort": v}}), 200)
			v++
		}
	})
	for name, svc := range map[string]*content.Partnerships{"hooked": s.CMS.Content.Partnerships, "no-hooks": s.QuietContent().Partnerships} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Patch(ctx, ids[0], v, map[string]json.RawMessage{"sort": json.RawMessage(fmt.Sprint(v))}); err != nil {
					b.Fatal(err)
				}
				v++
			}
		})
	}
}
