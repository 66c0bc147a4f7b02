package main

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Content helpers: internal/apitest's, under this package's short names.

var (
	minimalPartnership = apitest.MinimalPartnership
	ifMatch            = apitest.IfMatch
)

func create(t testing.TB, s *testServer, token string, body any) map[string]any {
	t.Helper()
	return apitest.Create(t, s.as, token, body)
}
