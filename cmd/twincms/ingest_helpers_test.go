package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Bulk ingest helpers: internal/apitest's generated bags under this
// package's short names, and the ingest command run in process.

type (
	bagFile = apitest.BagFile
	stored  = apitest.Stored
)

var (
	tinyPDFs    = apitest.TinyPDFs
	writeFolder = apitest.WriteFolder
	writeBag    = apitest.WriteBag
	zipDir      = apitest.ZipDir
)

// emptyServer starts a server without demo content, so counts start at 0.
func emptyServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	return wrap(apitest.Empty(t, env))
}

// ingestCommand runs `twincms ingest` against s's stores and returns its
// output and error.
func (s *testServer) ingestCommand(t testing.TB, ctx context.Context, path, metadata string, workers int) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := ingestFiles(ctx, s.srv.BulkRunner(), ingestArgs{path: path, metadata: metadata, workers: workers}, &out, false)
	return out.String(), err
}

func (s *testServer) stored(t testing.TB) stored { t.Helper(); return s.as.Stored(t) }

func (s *testServer) distinctChecksums(t testing.TB) int {
	t.Helper()
	return s.as.DistinctChecksums(t)
}
