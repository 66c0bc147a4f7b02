package main

import (
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Store and raw-HTTP helpers: internal/apitest's, under this package's
// short names.

type storeState = apitest.StoreState

func (s *testServer) storeState(t testing.TB) storeState { t.Helper(); return s.as.StoreState(t) }
