package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookMessage is one request a test receiver got.
type hookMessage struct {
	ID, Timestamp, Signature string
	Body                     []byte
	At                       time.Time
}

// hookReceiver is a webhook target on 127.0.0.1 that answers each
// request with the status its answer func picks (by request number,
// from 1).
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []hookMessage
	answer func(n int) int
}

func newHookReceiver(t testing.TB, answer func(n int) int) *hookReceiver {
	r := &hookReceiver{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, hookMessage{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
			Signature: req.Header.Get("webhook-signature"), Body: body, At: time.Now()})
		n := len(r.got)
		r.mu.Unlock()
		w.WriteHeader(r.answer(n))
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) messages() []hookMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookMessage(nil), r.got...)
}

// waitFor polls cond until it holds, failing the test after limit.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// verifyStandardWebhook checks a message as a receiver following the
// Standard Webhooks spec would, written from the spec and independent of
// the service's signer: the key is the base64-decoded part of the secret
// after "whsec_"; the signed content is "<webhook-id>.<webhook-timestamp>.<body>";
// webhook-signature is a space-separated list of "v1,<base64 HMAC-SHA256>",
// one of which must match (constant-time); the timestamp must be within
// five minutes of now.
func verifyStandardWebhook(secret string, m hookMessage) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		return fmt.Errorf("secret %q is not whsec_<base64>", secret[:min(len(secret), 8)])
	}
	ts, err := strconv.ParseInt(m.Timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %q is not integer seconds", m.Timestamp)
	}
	if d := time.Since(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("webhook-timestamp %d is %v off", ts, d)
	}
	if m.ID == "" {
		return errors.New("no webhook-id")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(m.ID + "." + m.Timestamp + "." + string(m.Body)))
	want := mac.Sum(nil)
	for _, part := range strings.Fields(m.Signature) {
		version, sig, ok := strings.Cut(part, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(sig)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no v1 signature in %q matches", m.Signature)
}

// webhookEnv is the configuration of servers whose webhooks reach the
// test's receivers: private targets allowed, quick retries.
func webhookEnv(extra map[string]string) map[string]string {
	env := map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_WEBHOOK_ALLOW_PRIVATE": "true",
		"TWINCMS_WEBHOOK_BACKOFF": "200ms,300ms,400ms", "TWINCMS_WEBHOOK_TIMEOUT": "3s"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// createWebhook makes a webhook through the API and returns its id and secret.
func (s *testServer) createWebhook(t testing.TB, url string, events ...string) (string, string) {
	t.Helper()
	m := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/webhooks", Token: testAdminToken,
		Body: map[string]any{"url": url, "events": events, "description": "test " + t.Name()}}), 201).Map(t)
	return m["id"].(string), m["secret"].(string)
}

// publishNew creates a partnership as tok and publishes it; it returns the
// id and the published version.
func (s *testServer) publishNew(t testing.TB, tok, slug string) (string, int) {
	t.Helper()
	r := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: tok, Body: minimalPartnership(slug, "Mesto "+slug)}), 201)
	id := r.Map(t)["id"].(string)
	pub := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: tok,
		Headers: map[string]string{"If-Match": r.Header.Get("ETag")}}), 200)
	if s == shared {
		// Other tests count the shared server's published partnerships.
		t.Cleanup(func() { s.deletePartnership(t, id) })
	}
	return id, int(pub.Map(t)["version"].(float64))
}

// deliveries lists a webhook's deliveries.
func (s *testServer) deliveries(t testing.TB, webhookID string) []map[string]any {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/webhooks/" + webhookID + "/deliveries", Token: testAdminToken}), 200).JSON(t, &list)
	return list.Items
}

// deletePartnership deletes a partnership at its current version.
func (s *testServer) deletePartnership(t testing.TB, id string) {
	t.Helper()
	cur := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: testAdminToken}), 200)
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: testAdminToken,
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
}
