package main

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// BenchmarkWebhookDeliveryLatency measures the time from sending a
// publish to the receiver getting its signed delivery (outbox write, worker
// wake-up, lease, POST), one publish per iteration; run it with
// -benchtime=20x for the p50 over 20 publishes.
func BenchmarkWebhookDeliveryLatency(b *testing.B) {
	s, err := startTestServer(b.TempDir(), webhookEnv(nil))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.close)
	arrived := make(chan time.Time, 1)
	rcv := newHookReceiver(b, func(int) int {
		arrived <- time.Now()
		return 204
	})
	s.createWebhook(b, rcv.URL, "partnership.published")
	var lat []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		r := expect(b, s.do(b, req{Method: "POST", Path: "/api/v1/partnerships", Token: testAdminToken, Body: minimalPartnership(fmt.Sprintf("lat-%d", i), "Latenca")}), 201)
		id := r.Map(b)["id"].(string)
		i++
		b.StartTimer()
		start := time.Now()
		expect(b, s.do(b, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: testAdminToken,
			Headers: map[string]string{"If-Match": r.Header.Get("ETag")}}), 200)
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(start))
		case <-time.After(30 * time.Second):
			b.Fatal("no delivery within 30 s")
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}

// BenchmarkContentPatchAudit measures a content PATCH through HTTP with
// and without the audit log's hook, so the log's cost per write is the
// difference.
func BenchmarkContentPatchAudit(b *testing.B) {
	s := benchServer(b)
	full := *s.srv.changes
	runs := 0
	for _, withAudit := range []bool{false, true} {
		name := "without-audit"
		*s.srv.changes = models.Hooks{s.srv.webhooks.Changed}
		if withAudit {
			name, *s.srv.changes = "with-audit", full
		}
		b.Run(name, func(b *testing.B) {
			r := expect(b, s.do(b, req{Method: "POST", Path: "/api/v1/partnerships", Token: testAdminToken, Body: minimalPartnership(fmt.Sprintf("patch-%s-%d", name, runs), "Popravek")}), 201)
			runs++
			id, etag := r.Map(b)["id"].(string), r.Header.Get("ETag")
			n := 0
			for b.Loop() {
				n++
				r := expect(b, s.do(b, req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: testAdminToken,
					Headers: map[string]string{"If-Match": etag}, Body: map[string]any{"sort": n}}), 200)
				etag = r.Header.Get("ETag")
			}
		})
	}
	*s.srv.changes = full
}
