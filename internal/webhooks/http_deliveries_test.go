package webhooks_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// The webhook service's delivery rules through the real HTTP API: signing,
// retries, the final failure, redelivery, the events of content and of
// documents, and the metrics.

const admin = apitest.AdminToken

// waitDelivery waits until the webhook has exactly one delivery, in
// status, and returns it.
func waitDelivery(t *testing.T, s *apitest.Server, hookID, status string, limit time.Duration) map[string]any {
	t.Helper()
	var d map[string]any
	apitest.WaitFor(t, limit, "the delivery "+status, func() bool {
		ds := s.Deliveries(t, hookID)
		if len(ds) == 1 && ds[0]["status"] == status {
			d = ds[0]
			return true
		}
		return false
	})
	return d
}

// A publish reaches a receiver signed per Standard Webhooks; a 500 is
// retried with the same webhook-id; a target that keeps failing ends in
// the failed state after every attempt; redelivery sends it again; the
// secret is shown once; fixity.failed is delivered too.
func TestWebhookDeliveriesSignedRetriedAndFailed(t *testing.T) {
	s := apitest.Empty(t, apitest.WebhookEnv(nil))
	ed := s.NewToken(t, "editor")

	flaky := apitest.NewHookReceiver(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 204
	})
	okID, okSecret := s.CreateWebhook(t, flaky.URL+"/hook", "partnership.published", "fixity.failed")
	if !strings.HasPrefix(okSecret, "whsec_") {
		t.Fatalf("secret %q", okSecret[:6])
	}
	// The secret is in the 201 only.
	for _, path := range []string{"/api/v1/webhooks", "/api/v1/webhooks/" + okID} {
		if b := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: admin}), 200).Body; strings.Contains(string(b), "whsec_") || strings.Contains(string(b), "secret") {
			t.Fatalf("GET %s shows the secret: %s", path, b)
		}
	}

	pid, version := s.PublishNew(t, ed, "hook-partner")
	apitest.WaitFor(t, 30*time.Second, "a retry after the 500", func() bool { return len(flaky.Messages()) >= 2 })
	msgs := flaky.Messages()
	for _, m := range msgs {
		if err := apitest.VerifyStandardWebhook(okSecret, m); err != nil {
			t.Fatalf("signature: %v", err)
		}
	}
	if msgs[0].ID != msgs[1].ID || string(msgs[0].Body) != string(msgs[1].Body) {
		t.Fatalf("a retry must carry the same webhook-id and body: %q %q", msgs[0].ID, msgs[1].ID)
	}
	var body struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      struct {
			Resource, ID, Slug string
			Version            int
		} `json:"data"`
	}
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "partnership.published" || body.Data.Resource != "partnership" || body.Data.ID != pid ||
		body.Data.Version != version || body.Data.Slug != "hook-partner" || body.Timestamp.IsZero() {
		t.Fatalf("payload %s", msgs[0].Body)
	}
	d := waitDelivery(t, s, okID, "succeeded", 10*time.Second)
	hist := d["history"].([]any)
	if d["id"] != msgs[0].ID || int(d["attempts"].(float64)) != 2 || len(hist) != 2 || d["next_attempt_at"] != nil ||
		hist[0].(map[string]any)["status_code"].(float64) != 500 || hist[1].(map[string]any)["status_code"].(float64) != 204 {
		t.Fatalf("delivery %v", d)
	}

	// A target that always fails: 1 attempt + 3 retries (the test backoff), then failed.
	broken := apitest.NewHookReceiver(t, func(int) int { return 500 })
	badID, _ := s.CreateWebhook(t, broken.URL, "partnership.unpublished")
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + pid, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + pid + "/unpublish", Token: ed,
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	failed := waitDelivery(t, s, badID, "failed", 30*time.Second)
	if n := len(broken.Messages()); n != 4 || int(failed["attempts"].(float64)) != 4 || failed["next_attempt_at"] != nil {
		t.Fatalf("after the final failure: %d requests, delivery %v", n, failed)
	}
	if len(flaky.Messages()) != 2 {
		t.Fatalf("the published-only webhook got an unpublish event")
	}

	// Redeliver: a new round of attempts with the same id.
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks/" + badID + "/deliveries/" + failed["id"].(string) + "/redeliver", Token: admin}), 202).Map(t)
	if r["status"] != "pending" {
		t.Fatalf("redelivered %v", r)
	}
	apitest.WaitFor(t, 30*time.Second, "the redelivery", func() bool { return len(broken.Messages()) >= 5 })
	if m := broken.Messages()[4]; m.ID != failed["id"] {
		t.Fatalf("redelivery id %q, want %q", m.ID, failed["id"])
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks/" + okID + "/deliveries/" + failed["id"].(string) + "/redeliver", Token: admin}), 404, "not-found")

	// fixity.failed: the stored original vanishes.
	doc := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Izginil"), "izginil.pdf", "", demo.PlaceholderPDF("hook fixity")), 201).Map(t)
	if s.Cfg.EmbeddedS3() {
		if err := os.Remove(filepath.Join(s.Cfg.DataDir, "objects", s.Cfg.S3Bucket, "originals", doc["id"].(string))); err != nil {
			t.Fatal(err)
		}
		ar := s.NewToken(t, "archivist")
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + doc["id"].(string) + "/fixity", Token: ar}), 200)
		apitest.WaitFor(t, 30*time.Second, "fixity.failed", func() bool { return len(flaky.Messages()) >= 3 })
		m := flaky.Messages()[2]
		if err := apitest.VerifyStandardWebhook(okSecret, m); err != nil || !strings.Contains(string(m.Body), `"fixity.failed"`) || !strings.Contains(string(m.Body), doc["id"].(string)) {
			t.Fatalf("fixity message %s (%v)", m.Body, err)
		}
	}

	// Document events come from the document lifecycle's hook.
	docs := apitest.NewHookReceiver(t, func(int) int { return 200 })
	_, docSecret := s.CreateWebhook(t, docs.URL, "document.created", "document.withdrawn")
	up := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Umaknjen"), "umaknjen.pdf", "", demo.PlaceholderPDF("hook withdraw")), 201)
	docID := up.Map(t)["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + docID, Token: ed, Headers: map[string]string{"If-Match": up.Header.Get("ETag")}}), 200)
	apitest.WaitFor(t, 30*time.Second, "document.created and document.withdrawn", func() bool { return len(docs.Messages()) >= 2 })
	var types []string
	for _, m := range docs.Messages() {
		var b struct {
			Type string `json:"type"`
			Data struct{ ID string }
		}
		if err := apitest.VerifyStandardWebhook(docSecret, m); err != nil || json.Unmarshal(m.Body, &b) != nil || b.Data.ID != docID {
			t.Fatalf("document message %s (%v)", m.Body, err)
		}
		types = append(types, b.Type)
	}
	slices.Sort(types) // deliveries of one batch may arrive in any order
	if strings.Join(types, ",") != "document.created,document.withdrawn" {
		t.Fatalf("document events %v", types)
	}

	// Change and delete.
	p := apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/webhooks/" + badID, Token: admin,
		Body: map[string]any{"active": false, "events": []string{"page.published"}}}), 200).Map(t)
	if p["active"] != false || len(p["events"].([]any)) != 1 {
		t.Fatalf("patched %v", p)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/webhooks/" + badID, Token: admin,
		Body: map[string]any{"events": []string{"partnership.exploded"}}}), 422, "validation-failed")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/webhooks/" + badID, Token: admin}), 204)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/webhooks/" + badID, Token: admin}), 404, "not-found")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/webhooks/" + badID + "/deliveries", Token: admin}), 404, "not-found")

	metrics := string(apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body)
	for _, outcome := range []string{"succeeded", "failed", "retried"} {
		line := `twincms_webhook_deliveries_total{outcome="` + outcome + `"} `
		if !strings.Contains(metrics, line) || strings.Contains(metrics, line+"0\n") {
			t.Fatalf("metrics: no %s deliveries counted", outcome)
		}
	}
}
