package apitest

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

// Webhook receivers and an independent Standard Webhooks verifier, for the
// webhook and audit tests.

// HookMessage is one request a test receiver got.
type HookMessage struct {
	ID, Timestamp, Signature string
	Body                     []byte
	At                       time.Time
}

// HookReceiver is a webhook target on 127.0.0.1 that answers each request
// with the status its answer func picks (by request number, from 1).
type HookReceiver struct {
	URL    string
	srv    *httptest.Server
	mu     sync.Mutex
	got    []HookMessage
	answer func(n int) int
}

// NewHookReceiver starts a receiver, stopped when the test ends.
func NewHookReceiver(t testing.TB, answer func(n int) int) *HookReceiver {
	r := &HookReceiver{answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, HookMessage{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
			Signature: req.Header.Get("webhook-signature"), Body: body, At: time.Now()})
		n := len(r.got)
		r.mu.Unlock()
		w.WriteHeader(r.answer(n))
	}))
	r.URL = r.srv.URL
	t.Cleanup(r.srv.Close)
	return r
}

// Messages is what the receiver got so far.
func (r *HookReceiver) Messages() []HookMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]HookMessage(nil), r.got...)
}

// VerifyStandardWebhook checks a message as a receiver following the
// Standard Webhooks spec would, written from the spec and independent of
// the service's signer: the key is the base64-decoded part of the secret
// after "whsec_"; the signed content is "<webhook-id>.<webhook-timestamp>.<body>";
// webhook-signature is a space-separated list of "v1,<base64 HMAC-SHA256>",
// one of which must match (constant-time); the timestamp must be within
// five minutes of now.
func VerifyStandardWebhook(secret string, m HookMessage) error {
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

// WebhookEnv is the configuration of servers whose webhooks reach the
// test's receivers: no demo, private targets allowed, quick retries.
func WebhookEnv(extra map[string]string) map[string]string {
	env := map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_WEBHOOK_ALLOW_PRIVATE": "true",
		"TWINCMS_WEBHOOK_BACKOFF": "200ms,300ms,400ms", "TWINCMS_WEBHOOK_TIMEOUT": "3s"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// CreateWebhook makes a webhook through the API and returns its id and secret.
func (s *Server) CreateWebhook(t testing.TB, url string, events ...string) (string, string) {
	t.Helper()
	m := Expect(t, s.Do(t, Req{Method: "POST", Path: "/api/v1/webhooks", Token: AdminToken,
		Body: map[string]any{"url": url, "events": events, "description": "test " + t.Name()}}), 201).Map(t)
	return m["id"].(string), m["secret"].(string)
}

// Deliveries lists a webhook's deliveries.
func (s *Server) Deliveries(t testing.TB, webhookID string) []map[string]any {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/webhooks/" + webhookID + "/deliveries", Token: AdminToken}), 200).JSON(t, &list)
	return list.Items
}
