package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/demo"
)

// A publish reaches a receiver signed per Standard Webhooks; a 500 is
// retried with the same webhook-id; a target that keeps failing ends in
// the failed state after every attempt; redelivery sends it again; the
// secret is shown once; fixity.failed is delivered too.
func TestWebhookDeliveriesSignedRetriedAndFailed(t *testing.T) {
	s, err := startTestServer(t.TempDir(), webhookEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ed := s.newToken(t, "editor")

	flaky := newHookReceiver(t, func(n int) int {
		if n == 1 {
			return 500
		}
		return 204
	})
	okID, okSecret := s.createWebhook(t, flaky.URL+"/hook", "partnership.published", "fixity.failed")
	if !strings.HasPrefix(okSecret, "whsec_") {
		t.Fatalf("secret %q", okSecret[:6])
	}
	// The secret is in the 201 only.
	for _, path := range []string{"/api/v1/webhooks", "/api/v1/webhooks/" + okID} {
		if b := expect(t, s.do(t, req{Method: "GET", Path: path, Token: testAdminToken}), 200).Body; strings.Contains(string(b), "whsec_") || strings.Contains(string(b), "secret") {
			t.Fatalf("GET %s shows the secret: %s", path, b)
		}
	}

	pid, version := s.publishNew(t, ed, "hook-partner")
	waitFor(t, 30*time.Second, "a retry after the 500", func() bool { return len(flaky.Messages()) >= 2 })
	msgs := flaky.Messages()
	for _, m := range msgs {
		if err := verifyStandardWebhook(okSecret, m); err != nil {
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
	var d map[string]any
	waitFor(t, 10*time.Second, "the delivery recorded as succeeded", func() bool {
		ds := s.deliveries(t, okID)
		if len(ds) == 1 && ds[0]["status"] == "succeeded" {
			d = ds[0]
			return true
		}
		return false
	})
	hist := d["history"].([]any)
	if d["id"] != msgs[0].ID || int(d["attempts"].(float64)) != 2 || len(hist) != 2 || d["next_attempt_at"] != nil ||
		hist[0].(map[string]any)["status_code"].(float64) != 500 || hist[1].(map[string]any)["status_code"].(float64) != 204 {
		t.Fatalf("delivery %v", d)
	}

	// A target that always fails: 1 attempt + 3 retries (the test backoff), then failed.
	broken := newHookReceiver(t, func(int) int { return 500 })
	badID, _ := s.createWebhook(t, broken.URL, "partnership.unpublished")
	cur := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + pid, Token: ed}), 200)
	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + pid + "/unpublish", Token: ed,
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	var failed map[string]any
	waitFor(t, 30*time.Second, "the final failure", func() bool {
		ds := s.deliveries(t, badID)
		if len(ds) == 1 && ds[0]["status"] == "failed" {
			failed = ds[0]
			return true
		}
		return false
	})
	if n := len(broken.Messages()); n != 4 || int(failed["attempts"].(float64)) != 4 || failed["next_attempt_at"] != nil {
		t.Fatalf("after the final failure: %d requests, delivery %v", n, failed)
	}
	if len(flaky.Messages()) != 2 {
		t.Fatalf("the published-only webhook got an unpublish event")
	}

	// Redeliver: a new round of attempts with the same id.
	r := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/webhooks/" + badID + "/deliveries/" + failed["id"].(string) + "/redeliver", Token: testAdminToken}), 202).Map(t)
	if r["status"] != "pending" {
		t.Fatalf("redelivered %v", r)
	}
	waitFor(t, 30*time.Second, "the redelivery", func() bool { return len(broken.Messages()) >= 5 })
	if m := broken.Messages()[4]; m.ID != failed["id"] {
		t.Fatalf("redelivery id %q, want %q", m.ID, failed["id"])
	}
	expectProblem(t, s.do(t, req{Method: "POST", Path: "/api/v1/webhooks/" + okID + "/deliveries/" + failed["id"].(string) + "/redeliver", Token: testAdminToken}), 404, "not-found")

	// fixity.failed: the stored original vanishes.
	doc := expect(t, s.upload(t, ed, docMeta("scan", "Izginil"), "izginil.pdf", "", demo.PlaceholderPDF("hook fixity")), 201).Map(t)
	if s.cfg.EmbeddedS3() {
		if err := os.Remove(filepath.Join(s.cfg.DataDir, "objects", s.cfg.S3Bucket, "originals", doc["id"].(string))); err != nil {
			t.Fatal(err)
		}
		ar := s.newToken(t, "archivist")
		expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/archive/documents/" + doc["id"].(string) + "/fixity", Token: ar}), 200)
		waitFor(t, 30*time.Second, "fixity.failed", func() bool { return len(flaky.Messages()) >= 3 })
		m := flaky.Messages()[2]
		if err := verifyStandardWebhook(okSecret, m); err != nil || !strings.Contains(string(m.Body), `"fixity.failed"`) || !strings.Contains(string(m.Body), doc["id"].(string)) {
			t.Fatalf("fixity message %s (%v)", m.Body, err)
		}
	}

	// Document events come from the document lifecycle's hook.
	docs := newHookReceiver(t, func(int) int { return 200 })
	_, docSecret := s.createWebhook(t, docs.URL, "document.created", "document.withdrawn")
	up := expect(t, s.upload(t, ed, docMeta("scan", "Umaknjen"), "umaknjen.pdf", "", demo.PlaceholderPDF("hook withdraw")), 201)
	docID := up.Map(t)["id"].(string)
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/documents/" + docID, Token: ed, Headers: map[string]string{"If-Match": up.Header.Get("ETag")}}), 200)
	waitFor(t, 30*time.Second, "document.created and document.withdrawn", func() bool { return len(docs.Messages()) >= 2 })
	var types []string
	for _, m := range docs.Messages() {
		var b struct {
			Type string `json:"type"`
			Data struct{ ID string }
		}
		if err := verifyStandardWebhook(docSecret, m); err != nil || json.Unmarshal(m.Body, &b) != nil || b.Data.ID != docID {
			t.Fatalf("document message %s (%v)", m.Body, err)
		}
		types = append(types, b.Type)
	}
	slices.Sort(types) // deliveries of one batch may arrive in any order
	if strings.Join(types, ",") != "document.created,document.withdrawn" {
		t.Fatalf("document events %v", types)
	}

	// Change and delete.
	p := expect(t, s.do(t, req{Method: "PATCH", Path: "/api/v1/webhooks/" + badID, Token: testAdminToken,
		Body: map[string]any{"active": false, "events": []string{"page.published"}}}), 200).Map(t)
	if p["active"] != false || len(p["events"].([]any)) != 1 {
		t.Fatalf("patched %v", p)
	}
	expectProblem(t, s.do(t, req{Method: "PATCH", Path: "/api/v1/webhooks/" + badID, Token: testAdminToken,
		Body: map[string]any{"events": []string{"partnership.exploded"}}}), 422, "validation-failed")
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/webhooks/" + badID, Token: testAdminToken}), 204)
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/webhooks/" + badID, Token: testAdminToken}), 404, "not-found")
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/webhooks/" + badID + "/deliveries", Token: testAdminToken}), 404, "not-found")

	metrics := string(expect(t, s.do(t, req{Method: "GET", Path: "/metrics"}), 200).Body)
	for _, outcome := range []string{"succeeded", "failed", "retried"} {
		line := `twincms_webhook_deliveries_total{outcome="` + outcome + `"} `
		if !strings.Contains(metrics, line) || strings.Contains(metrics, line+"0\n") {
			t.Fatalf("metrics: no %s deliveries counted", outcome)
		}
	}
}

// An event queued while no instance delivers is delivered after a
// restart: the outbox is in the database, not in memory.
func TestWebhookOutboxSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	rcv := newHookReceiver(t, func(int) int { return 200 })
	s, err := startTestServer(dir, webhookEnv(map[string]string{"TWINCMS_WEBHOOK_WORKERS": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	hookID, secret := s.createWebhook(t, rcv.URL, "partnership.published")
	pid, _ := s.publishNew(t, testAdminToken, "restart-partner")
	ds := s.deliveries(t, hookID)
	if len(ds) != 1 || ds[0]["status"] != "pending" || ds[0]["attempts"].(float64) != 0 {
		t.Fatalf("queued %v", ds)
	}
	s.close()
	if n := len(rcv.Messages()); n != 0 {
		t.Fatalf("%d messages before the restart", n)
	}

	s2, err := startTestServer(dir, webhookEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.close()
	waitFor(t, 30*time.Second, "the queued delivery after the restart", func() bool { return len(rcv.Messages()) >= 1 })
	m := rcv.Messages()[0]
	if err := verifyStandardWebhook(secret, m); err != nil || m.ID != ds[0]["id"] || !strings.Contains(string(m.Body), pid) {
		t.Fatalf("after restart: %s %s (%v)", m.ID, m.Body, err)
	}
	waitFor(t, 10*time.Second, "succeeded", func() bool { return s2.deliveries(t, hookID)[0]["status"] == "succeeded" })
}

// Without TWINCMS_WEBHOOK_ALLOW_PRIVATE (the shared server), literal
// internal addresses are refused when the webhook is made, and a name that
// resolves to one (localhost) is refused when delivering, after DNS: the
// receiver never hears of it and the delivery fails at once.
func TestWebhookPrivateTargetsRefused(t *testing.T) {
	s := shared
	for _, url := range []string{"http://127.0.0.1:9/x", "http://[::1]/x", "http://10.1.2.3/", "http://192.168.0.1/",
		"http://169.254.169.254/latest/meta-data", "http://0.0.0.0/", "http://[fe80::1]/", "ftp://example.org/", "http://user:pw@example.org/"} {
		expectProblem(t, s.do(t, req{Method: "POST", Path: "/api/v1/webhooks", Token: testAdminToken,
			Body: map[string]any{"url": url, "events": []string{"partnership.published"}}}), 422, "validation-failed")
	}
	rcv := newHookReceiver(t, func(int) int { return 200 })
	port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
	hookID, _ := s.createWebhook(t, "http://localhost:"+port+"/hook", "partnership.published")
	defer s.do(t, req{Method: "DELETE", Path: "/api/v1/webhooks/" + hookID, Token: testAdminToken})
	s.publishNew(t, testAdminToken, "ssrf-partner")
	var d map[string]any
	waitFor(t, 30*time.Second, "the refused delivery", func() bool {
		ds := s.deliveries(t, hookID)
		if len(ds) == 1 && ds[0]["status"] == "failed" {
			d = ds[0]
			return true
		}
		return false
	})
	h := d["history"].([]any)[0].(map[string]any)
	if d["attempts"].(float64) != 1 || !strings.Contains(h["error"].(string), "refused") || h["status_code"].(float64) != 0 {
		t.Fatalf("delivery %v", d)
	}
	if n := len(rcv.Messages()); n != 0 {
		t.Fatalf("the private target got %d requests", n)
	}
}
