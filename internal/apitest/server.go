// Package apitest starts real twincms servers for tests: opened through
// the composition root (app.Open) on temp dirs and random ports against the real embedded
// servers (or the external S3 store .ci/run names), served over HTTP on
// loopback, with request helpers and the contract validator on every
// exchange (Client). Every package with tests that start a server needs a
// TestMain that calls embedded.RunS3ChildIfRequested first (Main does): the
// embedded S3 server re-executes the test binary.
package apitest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/models"
)

// AdminToken is the bootstrap admin token of every test server.
const AdminToken = "test-admin-token-0123456789"

// Server is one twincms serving on a random loopback port.
type Server struct {
	// CMS is the open twincms with all its parts, for checks the API
	// cannot make (stored objects, events, stopping an embedded server).
	CMS  *app.App
	Cfg  config.Config
	Base string // http://127.0.0.1:PORT
	// MetricsBase is the TWINCMS_METRICS_ADDR listener's base URL, when
	// the configuration sets one (give 127.0.0.1:0 for a free port).
	MetricsBase string

	app        *fiber.App
	metricsApp *fiber.App
	stopBG     context.CancelFunc
	bgDone     chan struct{}
	closed     bool
	shared     bool // the package's shared server (Main, Shared): tests clean up after themselves on it
	logs       *logRing
}

// isShared tells whether s is the server every test of the package uses.
func (s *Server) isShared() bool { return s.shared }

// handedOut are the ports FreeAddr has given in this process.
var handedOut = struct {
	sync.Mutex
	ports map[string]bool
}{ports: map[string]bool{}}

// FreeAddr finds a free loopback port for a server that must be told its
// address before it starts (the embedded S3, a child process). The kernel
// may give a port it just freed to the next ask, so two calls in a row
// could name one port for two servers (CI saw a host and its S3 both on
// 127.0.0.1:39365); a port once handed out is never handed out again in
// this process.
func FreeAddr() (string, error) {
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := l.Addr().String()
		_ = l.Close()
		if !handedOut.ports[addr] {
			handedOut.ports[addr] = true
			return addr, nil
		}
	}
	return "", errors.New("apitest: no loopback port left that was not handed out before")
}

// Logger discards logs unless TWINCMS_TEST_LOG is set.
func Logger() *slog.Logger {
	if os.Getenv("TWINCMS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Config is the test configuration for data in dir; env overrides the
// test defaults (a fixed admin token, random ports, the external S3 store
// when .ci/run names one).
func Config(dir string, env map[string]string) (config.Config, error) {
	s3, err := FreeAddr()
	if err != nil {
		return config.Config{}, err
	}
	vars := map[string]string{
		"TWINCMS_DATA_DIR": dir, "TWINCMS_ADDR": "127.0.0.1:0", "TWINCMS_S3_ADDR": s3,
		"TWINCMS_BOOTSTRAP_TOKEN": AdminToken,
		// Every test's requests come from one loopback address, and the
		// bad-input and security tables refuse many tokens: the auth
		// throttle's own tests set the limits they probe.
		"TWINCMS_AUTH_FAILURES_PER_MINUTE": "100000", "TWINCMS_AUTH_FAILURES_GLOBAL_PER_MINUTE": "10000000",
		// Tests of many packages read their counters from /metrics; the
		// access modes have tests of their own (shipped default: token).
		"TWINCMS_METRICS": "public",
	}
	for k, v := range ExternalS3Env(dir) {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	return config.Load(func(k string) string { return vars[k] })
}

// Start starts twincms with its data in dir; env overrides the test
// defaults (see Config).
func Start(dir string, env map[string]string, opts ...Option) (*Server, error) {
	cfg, err := Config(dir, env)
	if err != nil {
		return nil, err
	}
	return StartWithConfig(cfg, opts...)
}

// Option changes how a test server is opened.
type Option func(*app.Options)

// WithChangeHook adds a subscriber to every change, after twincms's own
// (as the root package's option of that name does for a host).
func WithChangeHook(h models.ChangeHook) Option {
	return func(o *app.Options) { o.Hooks = append(o.Hooks, h) }
}

// WithLogger sends twincms's logs to l (a test that checks what is
// logged, such as a warning that carries no secret).
func WithLogger(l *slog.Logger) Option {
	return func(o *app.Options) { o.Logger = l }
}

// StartWithConfig opens twincms with cfg, serves its own app (the API at
// the root, as the twincms command does) and runs its background work.
func StartWithConfig(cfg config.Config, opts ...Option) (*Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	logs := &logRing{}
	o := app.Options{Logger: logs.logger()}
	for _, opt := range opts {
		opt(&o)
	}
	cms, err := app.Open(ctx, cfg, o)
	if err != nil {
		return nil, err
	}
	app, err := cms.Handler()
	if err != nil {
		return nil, errors.Join(err, cms.Close(ctx))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errors.Join(err, cms.Close(ctx))
	}
	go func() { _ = app.Listener(ln) }()
	bg, stop := context.WithCancel(context.Background())
	s := &Server{CMS: cms, Cfg: cfg, Base: "http://" + ln.Addr().String(), app: app, stopBG: stop, bgDone: make(chan struct{}), logs: logs}
	if s.metricsApp = cms.MetricsHandler(); s.metricsApp != nil {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = app.Shutdown()
			return nil, errors.Join(err, cms.Close(ctx))
		}
		go func() { _ = s.metricsApp.Listener(mln) }()
		s.MetricsBase = "http://" + mln.Addr().String()
	}
	go func() { defer close(s.bgDone); _ = cms.Run(bg) }()
	return s, nil
}

// Close stops serving, the background work and storage, in that order;
// more calls do nothing.
func (s *Server) Close() {
	if s == nil || s.closed {
		return
	}
	s.closed = true
	_ = s.app.ShutdownWithTimeout(5 * time.Second)
	if s.metricsApp != nil {
		_ = s.metricsApp.ShutdownWithTimeout(time.Second)
	}
	s.stopBG()
	<-s.bgDone
	_ = s.CMS.Close(context.Background())
}

// App is the server's Fiber app (its routes, for the route walk).
func (s *Server) App() *fiber.App { return s.app }

// Coverage is what a package's TestMain checks of the contract after its
// whole suite ran (see AfterSuite).
type Coverage int

const (
	// CoverNothing only validates exchanges (and leaves the record).
	CoverNothing Coverage = iota
	// CoverRoutes fails when a documented operation was never called.
	CoverRoutes
	// CoverStatuses fails when a documented status was never answered.
	CoverStatuses
)

// Main is a TestMain for packages whose tests share one server, started
// at once (env overrides the defaults) and handed to set: it routes the
// embedded S3 child, runs the tests and checks coverage.
func Main(m *testing.M, env map[string]string, set func(*Server), cover Coverage) int {
	embedded.RunS3ChildIfRequested()
	dir, err := os.MkdirTemp("", "twincms-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	s, err := Start(dir, env)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start test server:", err)
		return 1
	}
	defer s.Close()
	s.shared = true
	set(s)
	return AfterSuite(m.Run(), cover)
}

// lazy is the server Shared starts on first use.
var lazy struct {
	sync.Once
	s   *Server
	dir string
	err error
}

// Shared is the package's shared server (demo content loaded), started by
// the first test that asks, so that tests without one (unit tests, fuzz
// workers) start nothing. Use it with LazyMain.
func Shared(t testing.TB) *Server {
	t.Helper()
	lazy.Do(func() {
		if lazy.dir, lazy.err = os.MkdirTemp("", "twincms-test-"); lazy.err == nil {
			lazy.s, lazy.err = Start(lazy.dir, nil)
		}
		if lazy.err == nil {
			lazy.s.shared = true
		}
	})
	if lazy.err != nil {
		t.Fatalf("start the shared test server: %v", lazy.err)
	}
	return lazy.s
}

// LazyMain is a TestMain for packages that use Shared: it routes the
// embedded S3 child, runs the tests, stops the shared server if one was
// started and checks coverage.
func LazyMain(m *testing.M, cover Coverage) int {
	embedded.RunS3ChildIfRequested()
	code := m.Run()
	if lazy.s != nil {
		lazy.s.Close()
	}
	if lazy.dir != "" {
		_ = os.RemoveAll(lazy.dir)
	}
	if !exchanged() {
		return code // no server, no exchanges to account for
	}
	return AfterSuite(code, cover)
}
