package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/embedded"
)

// shared is the server most tests use: started once for the package on
// temp dirs and random ports, against the real embedded servers.
var shared *testServer

const testAdminToken = "test-admin-token-0123456789"

func TestMain(m *testing.M) {
	embedded.RunS3ChildIfRequested()
	if os.Getenv("TWINCMS_TEST_RUN_MAIN") == "1" {
		// The shutdown test runs the real program as a child process.
		os.Exit(run(nil, os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "twincms-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		shared, err = startTestServer(dir, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "start test server:", err)
			return 1
		}
		defer shared.close()
		return afterSuite(m.Run())
	}())
}

// testServer is one twincms instance serving on a random loopback port.
type testServer struct {
	srv    *Server
	cfg    config.Config
	base   string
	ln     net.Listener
	closed bool
}

// freeAddr finds a free loopback port for the embedded S3, which must be
// told its address before it starts.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func testLogger() *slog.Logger {
	if os.Getenv("TWINCMS_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startTestServer starts twincms with its data in dir; env overrides the
// test defaults (a fixed admin token, random ports).
func startTestServer(dir string, env map[string]string) (*testServer, error) {
	return startTestServerWith(dir, env)
}

// startTestServerWith is startTestServer with server options (change
// hooks).
func startTestServerWith(dir string, env map[string]string, opts ...Option) (*testServer, error) {
	s3, err := freeAddr()
	if err != nil {
		return nil, err
	}
	vars := map[string]string{
		"TWINCMS_DATA_DIR": dir, "TWINCMS_ADDR": "127.0.0.1:0", "TWINCMS_S3_ADDR": s3,
		"TWINCMS_BOOTSTRAP_TOKEN": testAdminToken,
	}
	for k, v := range externalS3Env(dir) {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		return nil, err
	}
	return startWithConfig(cfg, opts...)
}

func startWithConfig(cfg config.Config, opts ...Option) (*testServer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := Start(ctx, cfg, testLogger(), io.Discard, opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Shutdown(ctx, time.Second)
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return &testServer{srv: srv, cfg: cfg, base: "http://" + ln.Addr().String(), ln: ln}, nil
}

func (s *testServer) close() {
	if !s.closed {
		s.closed = true
		_ = s.srv.Shutdown(context.Background(), 5*time.Second)
	}
}

// resp is a finished HTTP exchange.
type resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r resp) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r resp) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// req describes a request; Body may be a string (sent as is) or a value
// (sent as JSON).
type req struct {
	Method  string
	Path    string
	Token   string
	Body    any
	Headers map[string]string
}

var httpClient = &http.Client{
	Timeout:       60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func (s *testServer) do(t testing.TB, r req) resp {
	t.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.Method, s.base+r.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Headers {
		hr.Header.Set(k, v)
	}
	res, err := httpClient.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// expect fails the test unless the response has status.
func expect(t testing.TB, r resp, status int) resp {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

// expectProblem checks an RFC 9457 response with status and type suffix.
func expectProblem(t testing.TB, r resp, status int, typ string) map[string]any {
	t.Helper()
	expect(t, r, status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	p := r.Map(t)
	if p["type"] != "urn:twincms:problem:"+typ || p["title"] == "" || int(p["status"].(float64)) != status {
		t.Fatalf("problem %v, want type %s and status %d", p, typ, status)
	}
	return p
}

// newToken creates a token of role through the API and returns its secret.
func (s *testServer) newToken(t testing.TB, role string) string {
	t.Helper()
	r := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/tokens", Token: testAdminToken,
		Body: map[string]string{"name": "test " + role, "role": role}}), 201)
	return r.Map(t)["token"].(string)
}
