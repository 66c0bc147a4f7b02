package main

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Store and raw-HTTP helpers: internal/apitest's, under this package's
// short names.

type storeState = apitest.StoreState

var (
	rawExchange = apitest.RawExchange
	uploadHead  = apitest.UploadHead
)

func (s *testServer) storeState(t testing.TB) storeState { t.Helper(); return s.as.StoreState(t) }

func (s *testServer) expectStoreUnchanged(t testing.TB, want storeState) {
	t.Helper()
	s.as.ExpectStoreUnchanged(t, want)
}

func (s *testServer) rawDo(t testing.TB, raw string) resp {
	t.Helper()
	return apitest.RawDo(t, s.base, raw)
}

// sibling starts a second instance on s's database and object store, as
// two replicas behind one load balancer would run.
func (s *testServer) sibling(t testing.TB) *testServer { t.Helper(); return s.siblingWith(t, nil) }

// siblingWith is sibling with more settings (extra wins).
func (s *testServer) siblingWith(t testing.TB, extra map[string]string) *testServer {
	t.Helper()
	return wrap(s.as.Sibling(t, extra))
}
