package main

import (
	"os"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms"
	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/webhooks"
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
	twincms.RunS3ChildIfRequested()
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

// Option and WithChangeHook are the root package's.
type Option = twincms.Option

var WithChangeHook = twincms.WithChangeHook

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

// serverParts are the CMS's internals (the root package's documented test
// hooks) under short names, for checks the API cannot make (stored
// objects, events, stopping an embedded server).
type serverParts struct {
	twincms.Internals
	App          *fiber.App
	db           *storage.DB
	blocks       *storage.Blocks
	pages        *storage.Pages
	objs         *storage.Objects
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
	in := s.CMS.Internals()
	return &serverParts{Internals: in, App: s.App(), db: in.DB, blocks: in.Blocks, pages: in.Pages, objs: in.Objects,
		documents: in.Documents, partnerships: in.Partnerships, content: in.Content, ingest: in.Ingest, fixity: in.Fixity,
		published: in.Published, webhooks: in.Webhooks, changes: in.Changes, embDB: in.EmbeddedDB, embS3: in.EmbeddedS3}
}

// Deps was the server's handler dependencies; its Locales are the CMS's.
func (p *serverParts) Deps() twincms.Internals { return p.Internals }

// bulkParts are the bulk ingest's parts of this server (its own ingest
// service, with the change hooks).
func (p *serverParts) bulkParts() bulkParts { return partsOf(p.Internals, p.ingest, testLogger()) }

// Content is the content services.
func (p *serverParts) Content() *content.Services { return p.content }
