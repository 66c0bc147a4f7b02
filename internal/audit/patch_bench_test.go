package audit_test

import (
	"fmt"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// BenchmarkContentPatchAudit measures a content PATCH through HTTP with
// and without the audit log's hook, so the log's cost per write is the
// difference.
func BenchmarkContentPatchAudit(b *testing.B) {
	s := apitest.BenchServer(b)
	in := s.CMS
	full := in.Changes
	runs := 0
	for _, withAudit := range []bool{false, true} {
		name := "without-audit"
		in.Changes = models.Hooks{in.Webhooks.Changed}
		if withAudit {
			name, in.Changes = "with-audit", full
		}
		b.Run(name, func(b *testing.B) {
			r := apitest.Expect(b, s.Do(b, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: admin, Body: apitest.MinimalPartnership(fmt.Sprintf("patch-%s-%d", name, runs), "Popravek")}), 201)
			runs++
			id, etag := r.Map(b)["id"].(string), r.Header.Get("ETag")
			n := 0
			for b.Loop() {
				n++
				r := apitest.Expect(b, s.Do(b, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: admin,
					Headers: map[string]string{"If-Match": etag}, Body: map[string]any{"sort": n}}), 200)
				etag = r.Header.Get("ETag")
			}
		})
	}
	in.Changes = full
}
