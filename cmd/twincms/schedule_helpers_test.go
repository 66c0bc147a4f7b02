package main

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Schedule helpers: internal/apitest's, under this package's short names.

type scheduleView = apitest.ScheduleView

var (
	rfc3339         = apitest.RFC3339
	partnershipPath = apitest.PartnershipPath
)

func (s *testServer) schedule(t testing.TB, token, path string, ifm int, body map[string]any) scheduleView {
	t.Helper()
	return s.as.Schedule(t, token, path, ifm, body)
}

func (s *testServer) waitSchedule(t testing.TB, token, id string) scheduleView {
	t.Helper()
	return s.as.WaitSchedule(t, token, id)
}

func publishActions(t testing.TB, s *testServer, token, path string) int {
	t.Helper()
	return s.as.PublishActions(t, token, path)
}

func (s *testServer) removeAtEnd(t testing.TB, path string) { s.as.RemoveAtEnd(t, path) }
