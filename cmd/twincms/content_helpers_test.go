package main

import (
	"testing"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
)

// Content helpers: internal/apitest's, under this package's short names.

type changeRecorder = apitest.ChangeRecorder

var (
	minimalPartnership = apitest.MinimalPartnership
	ifMatch            = apitest.IfMatch
)

func create(t testing.TB, s *testServer, token string, body any) map[string]any {
	t.Helper()
	return apitest.Create(t, s.as, token, body)
}

func partnershipTotal(t testing.TB, s *testServer, token string) int {
	t.Helper()
	return apitest.PartnershipTotal(t, s.as, token)
}

func patchTo(t testing.TB, s *testServer, token, path string, version any, body map[string]any) map[string]any {
	t.Helper()
	return apitest.PatchTo(t, s.as, token, path, version, body)
}

// quietContent is the content service over s's stores with no hooks.
func quietContent(s *testServer) *content.Services { return s.as.QuietContent() }

func s3Keys(t testing.TB) map[string]string { t.Helper(); return shared.as.S3Keys(t) }
func accessKey(t testing.TB) string         { return s3Keys(t)["access"] }
func secretKey(t testing.TB) string         { return s3Keys(t)["secret"] }
