package webhooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// Where deliveries wait (the outbox in the database) and where they may
// not go (private targets), through the real HTTP API.

// An event queued while no instance delivers is delivered after a
// restart: the outbox is in the database, not in memory.
func TestWebhookOutboxSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	rcv := apitest.NewHookReceiver(t, func(int) int { return 200 })
	s, err := apitest.Start(dir, apitest.WebhookEnv(map[string]string{"TWINCMS_WEBHOOK_WORKERS": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // a no-op after the Close below, unless the test fails before it
	hookID, secret := s.CreateWebhook(t, rcv.URL, "partnership.published")
	pid, _ := s.PublishNew(t, admin, "restart-partner")
	ds := s.Deliveries(t, hookID)
	if len(ds) != 1 || ds[0]["status"] != "pending" || ds[0]["attempts"].(float64) != 0 {
		t.Fatalf("queued %v", ds)
	}
	s.Close()
	if n := len(rcv.Messages()); n != 0 {
		t.Fatalf("%d messages before the restart", n)
	}

	s2, err := apitest.Start(dir, apitest.WebhookEnv(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	apitest.WaitFor(t, 30*time.Second, "the queued delivery after the restart", func() bool { return len(rcv.Messages()) >= 1 })
	m := rcv.Messages()[0]
	if err := apitest.VerifyStandardWebhook(secret, m); err != nil || m.ID != ds[0]["id"] || !strings.Contains(string(m.Body), pid) {
		t.Fatalf("after restart: %s %s (%v)", m.ID, m.Body, err)
	}
	apitest.WaitFor(t, 10*time.Second, "succeeded", func() bool { return s2.Deliveries(t, hookID)[0]["status"] == "succeeded" })
}

// Without TWINCMS_WEBHOOK_ALLOW_PRIVATE (the shared server), literal
// internal addresses are refused when the webhook is made, and a name that
// resolves to one (localhost) is refused when delivering, after DNS: the
// receiver never hears of it and the delivery fails at once.
func TestWebhookPrivateTargetsRefused(t *testing.T) {
	s := apitest.Shared(t)
	for _, url := range []string{"http://127.0.0.1:9/x", "http://[::1]/x", "http://10.1.2.3/", "http://192.168.0.1/",
		"http://169.254.169.254/latest/meta-data", "http://0.0.0.0/", "http://[fe80::1]/", "ftp://example.org/", "http://user:pw@example.org/"} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks", Token: admin,
			Body: map[string]any{"url": url, "events": []string{"partnership.published"}}}), 422, "validation-failed")
	}
	rcv := apitest.NewHookReceiver(t, func(int) int { return 200 })
	port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
	hookID, _ := s.CreateWebhook(t, "http://localhost:"+port+"/hook", "partnership.published")
	defer s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/webhooks/" + hookID, Token: admin})
	s.PublishNew(t, admin, "ssrf-partner")
	d := waitDelivery(t, s, hookID, "failed", 30*time.Second)
	h := d["history"].([]any)[0].(map[string]any)
	if d["attempts"].(float64) != 1 || !strings.Contains(h["error"].(string), "refused") || h["status_code"].(float64) != 0 {
		t.Fatalf("delivery %v", d)
	}
	if n := len(rcv.Messages()); n != 0 {
		t.Fatalf("the private target got %d requests", n)
	}
}
