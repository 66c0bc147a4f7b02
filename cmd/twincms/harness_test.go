package main

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/archive"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/ingest"
	"github.com/jesenice/twincms/internal/objectstore"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/internal/webhooks"
	"github.com/jesenice/twincms/models"
)

// The harness is internal/apitest; these are its short names in this
// package's tests.

// shared is the server most tests use: started once for the package on
// temp dirs and random ports, against the real embedded servers.
var shared *testServer

const testAdminToken = apitest.AdminToken

type (
	resp = apitest.Resp
	req  = apitest.Req
)

var (
	httpClient    = apitest.Client
	freeAddr      = apitest.FreeAddr
	testLogger    = apitest.Logger
	expect        = apitest.Expect
	expectProblem = apitest.ExpectProblem
	externalS3Env = apitest.ExternalS3Env
)

func TestMain(m *testing.M) {
	embedded.RunS3ChildIfRequested()
	if os.Getenv("TWINCMS_TEST_RUN_MAIN") == "1" {
		// The shutdown test runs the real program as a child process.
		os.Exit(run(nil, os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(apitest.Main(m, nil, func(s *apitest.Server) { shared = wrap(s) }, apitest.CoverNothing))
}

// testServer is one twincms instance serving on a random loopback port
// (an apitest.Server), with its internals at hand; a testServer with only
// base set talks to a server in another process.
type testServer struct {
	srv  *serverParts
	cfg  config.Config
	base string
	as   *apitest.Server
}

func wrap(s *apitest.Server) *testServer {
	return &testServer{srv: newServerParts(s), cfg: s.Cfg, base: s.Base, as: s}
}

// Option and WithChangeHook are the test kit's.
type Option = apitest.Option

var WithChangeHook = apitest.WithChangeHook

// startTestServer starts twincms with its data in dir; env overrides the
// test defaults (a fixed admin token, random ports).
func startTestServer(dir string, env map[string]string) (*testServer, error) {
	return startTestServerWith(dir, env)
}

// startTestServerWith is startTestServer with options (change hooks).
func startTestServerWith(dir string, env map[string]string, opts ...Option) (*testServer, error) {
	s, err := apitest.Start(dir, env, opts...)
	if err != nil {
		return nil, err
	}
	return wrap(s), nil
}

func (s *testServer) close() { s.as.Close() }

func (s *testServer) do(t testing.TB, r req) resp { t.Helper(); return apitest.Do(t, s.base, r) }

// newToken creates a token of role through the API and returns its secret.
func (s *testServer) newToken(t testing.TB, role string) string {
	t.Helper()
	return apitest.NewToken(t, s.base, role)
}

// serverParts are the App's parts (the composition root's) under short
// names, for checks the API cannot make (stored objects, events, stopping
// an embedded server).
type serverParts struct {
	*app.App
	db           *storage.DB
	blocks       *storage.Blocks
	pages        *storage.Pages
	objs         *objectstore.Store
	documents    *storage.Documents
	partnerships *storage.Partnerships
	content      *content.Services
	ingest       *ingest.Service
	fixity       *archive.Fixity
	published    *publish.Publisher
	webhooks     *webhooks.Service
	changes      *models.Hooks // the subscribers after the snapshot (audit, webhooks)
	embDB        *embedded.DB
	embS3        *embedded.S3
}

func newServerParts(s *apitest.Server) *serverParts {
	in := s.CMS
	return &serverParts{App: in, db: in.DB, blocks: in.Blocks, pages: in.Pages, objs: in.Objects,
		documents: in.Documents, partnerships: in.Partnerships, content: in.Content, ingest: in.Ingest, fixity: in.Fixity,
		published: in.Published, webhooks: in.Webhooks, changes: &in.Changes, embDB: in.EmbeddedDB, embS3: in.EmbeddedS3}
}

// freeAddrs are n free loopback addresses (a server's and its S3's).
func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		a, err := freeAddr()
		if err != nil {
			t.Fatal(err)
		}
		out[i] = a
	}
	return out
}
