package main

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Webhook helpers: internal/apitest's, under this package's short names.

type hookMessage = apitest.HookMessage

var (
	newHookReceiver       = apitest.NewHookReceiver
	waitFor               = apitest.WaitFor
	verifyStandardWebhook = apitest.VerifyStandardWebhook
	webhookEnv            = apitest.WebhookEnv
)

func (s *testServer) createWebhook(t testing.TB, url string, events ...string) (string, string) {
	t.Helper()
	return s.as.CreateWebhook(t, url, events...)
}

func (s *testServer) publishNew(t testing.TB, tok, slug string) (string, int) {
	t.Helper()
	return s.as.PublishNew(t, tok, slug)
}

func (s *testServer) deliveries(t testing.TB, webhookID string) []map[string]any {
	t.Helper()
	return s.as.Deliveries(t, webhookID)
}

func (s *testServer) deletePartnership(t testing.TB, id string) {
	t.Helper()
	s.as.DeletePartnership(t, id)
}
