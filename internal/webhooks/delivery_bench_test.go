package webhooks_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// BenchmarkWebhookDeliveryLatency measures the time from sending a
// publish to the receiver getting its signed delivery (outbox write, worker
// wake-up, lease, POST), one publish per iteration; run it with
// -benchtime=20x for the p50 over 20 publishes.
func BenchmarkWebhookDeliveryLatency(b *testing.B) {
	s := apitest.Empty(b, apitest.WebhookEnv(nil))
	arrived := make(chan time.Time, 1)
	rcv := apitest.NewHookReceiver(b, func(int) int {
		arrived <- time.Now()
		return 204
	})
	s.CreateWebhook(b, rcv.URL, "partnership.published")
	var lat []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		r := apitest.Expect(b, s.Do(b, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: admin, Body: apitest.MinimalPartnership(fmt.Sprintf("lat-%d", i), "Latenca")}), 201)
		id := r.Map(b)["id"].(string)
		i++
		b.StartTimer()
		start := time.Now()
		apitest.Expect(b, s.Do(b, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: admin,
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
