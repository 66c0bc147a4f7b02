package twincms_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// suiteDir holds the data of every CMS the package's tests and examples
// open; removed after the run.
var suiteDir string

// guest is twincms mounted under /cms in a host app of its own (a home
// page, its own error handler), served on a loopback port: what a host
// program does with the package.
var guest struct {
	cms  *twincms.CMS
	cfg  config.Config
	reg  *prometheus.Registry
	base string // the host's root
}

func TestMain(m *testing.M) {
	twincms.RunS3ChildIfRequested()
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	dir, err := os.MkdirTemp("", "twincms-plugin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	suiteDir = dir
	stop, err := startGuest(filepath.Join(dir, "guest"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "start host:", err)
		return 1
	}
	defer stop()
	return apitest.AfterSuite(m.Run(), apitest.CoverNothing)
}

// hostUsers are the host's own users, signed in by a header its own
// (imagined) middleware checked; the authenticator maps them to roles.
var hostUsers = map[string]models.Role{"alice": models.RoleEditor, "bob": models.RoleArchivist}

func hostAuthenticator(c *fiber.Ctx) (twincms.User, bool) {
	name := c.Get("X-Host-User")
	role, ok := hostUsers[name]
	return twincms.User{ID: name, Name: "Host user " + name, Role: role}, ok
}

func startGuest(dir string) (func(), error) {
	cfg, err := apitest.Config(dir, map[string]string{"TWINCMS_DEMO": "true"})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	guest.reg = prometheus.NewRegistry()
	cms, err := twincms.Open(ctx, cfg, twincms.WithPrefix("/cms"), twincms.WithLogger(apitest.Logger()),
		twincms.WithAuthenticator(hostAuthenticator), twincms.WithRegisterer(guest.reg))
	if err != nil {
		return nil, err
	}
	guest.cms, guest.cfg = cms, cfg
	app := fiber.New(fiber.Config{DisableStartupMessage: true, ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusTeapot).SendString("host error page: " + err.Error())
	}})
	app.Get("/", func(c *fiber.Ctx) error {
		list, err := cms.PublishedPartnerships(c.UserContext())
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("<h1>Our town</h1><ul>")
		for _, p := range list {
			name, _ := p.Partner.Name.Resolve([]string{"sl"})
			b.WriteString("<li>" + name + "</li>")
		}
		c.Type("html")
		return c.SendString(b.String() + "</ul>")
	})
	if err := cms.Mount(app); err != nil {
		return nil, err
	}
	app.Get("/cmsx", func(c *fiber.Ctx) error { return c.SendString("host page beside the prefix") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() { _ = app.Listener(ln) }()
	runCtx, stopRun := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { defer close(ran); _ = cms.Run(runCtx) }()
	guest.base = "http://" + ln.Addr().String()
	return func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		stopRun()
		<-ran
		_ = cms.Close(context.Background())
	}, nil
}

func get(t *testing.T, path string, headers map[string]string) apitest.Resp {
	t.Helper()
	return apitest.Do(t, guest.base, apitest.Req{Method: "GET", Path: path, Headers: headers})
}

// Mounted under /cms, twincms answers only there: the host's pages, its
// 404s and its error handler are its own, with none of twincms's headers.
func TestMountedUnderAPrefixTouchesNothingOutsideIt(t *testing.T) {
	cases := []struct {
		name, path string
		status     int
		problem    bool // problem+json and X-Request-Id: twincms answered
		contains   string
	}{
		{"host home page", "/", 200, false, "<h1>Our town</h1>"},
		{"host page beside the prefix", "/cmsx", 200, false, "host page beside the prefix"},
		{"host 404 beside the prefix", "/cmsy/api/v1/partnerships", 418, false, "host error page"},
		{"host 404", "/nope", 418, false, "host error page"},
		{"twincms health", "/cms/healthz", 200, false, `"status"`},
		{"twincms public page", "/cms/api/v1/public/pages/pobratene-obcine", 200, false, `"slug"`},
		{"twincms demo site", "/cms/", 200, false, "<html"},
		{"twincms API needs a user", "/cms/api/v1/partnerships", 401, true, "unauthorized"},
		{"twincms 404", "/cms/api/v1/nope", 404, true, "not-found"},
		{"twincms metrics are the host's", "/cms/metrics", 404, true, "not-found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, tc.path, nil)
			apitest.Expect(t, r, tc.status)
			if !strings.Contains(string(r.Body), tc.contains) {
				t.Errorf("body %.300s lacks %q", r.Body, tc.contains)
			}
			isProblem := strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json")
			if isProblem != tc.problem {
				t.Errorf("content type %q, problem+json wanted: %v", r.Header.Get("Content-Type"), tc.problem)
			}
			if twincmsAnswered := r.Header.Get("X-Request-Id") != ""; twincmsAnswered != strings.HasPrefix(tc.path, "/cms/") {
				t.Errorf("X-Request-Id %q: twincms middleware ran outside /cms, or not inside", r.Header.Get("X-Request-Id"))
			}
		})
	}
}

// The host's home page lists the published partnerships through the Go
// API, the same ones twincms's public API lists.
func TestHostPageShowsPartnersThroughTheGoAPI(t *testing.T) {
	list, err := guest.cms.PublishedPartnerships(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 3 {
		t.Fatalf("%d published partnerships in the demo", len(list))
	}
	home := string(apitest.Expect(t, get(t, "/", nil), 200).Body)
	public := apitest.Expect(t, get(t, "/cms/api/v1/public/partnerships", nil), 200).Map(t)
	items := public["items"].([]any)
	if len(items) != len(list) {
		t.Fatalf("public API lists %d, Go API %d", len(items), len(list))
	}
	for _, p := range list {
		name, _ := p.Partner.Name.Resolve([]string{"sl"})
		if !strings.Contains(home, "<li>"+name+"</li>") {
			t.Errorf("home page lacks %q", name)
		}
	}
}

// The host's own users act in the roles its authenticator gives them;
// twincms tokens keep working beside them.
func TestHostAuthenticatorGrantsTheEditorRole(t *testing.T) {
	alice := map[string]string{"X-Host-User": "alice"}
	me := apitest.Expect(t, get(t, "/cms/api/v1/me", alice), 200).Map(t)
	if me["role"] != "editor" || me["id"] != "host:alice" {
		t.Fatalf("me: %v", me)
	}
	body := map[string]any{"slug": "host-town", "relation": "twin",
		"partner": map[string]any{"name": map[string]string{"sl": "Gostiteljsko"}, "country": "AT"}}
	created := apitest.Expect(t, apitest.Do(t, guest.base, apitest.Req{Method: "POST", Path: "/cms/api/v1/partnerships",
		Body: body, Headers: alice}), 201).Map(t)
	if created["created_by"] != "token:host:alice" {
		t.Errorf("created_by %v, want the host user", created["created_by"])
	}
	apitest.Expect(t, apitest.Do(t, guest.base, apitest.Req{Method: "GET", Path: "/cms/api/v1/partnerships/" + created["id"].(string),
		Headers: alice}), 200)
	// The host's editor uploads a document and the archive serves it back.
	ct, upload := apitest.Multipart(map[string]any{"kind": "scan", "title": map[string]string{"sl": "Gostiteljev sken"}},
		"sken.pdf", "", demo.PlaceholderPDF("host upload"))
	doc := apitest.Expect(t, apitest.Do(t, guest.base, apitest.Req{Method: "POST", Path: "/cms/api/v1/documents", Body: upload,
		Headers: map[string]string{"X-Host-User": "alice", "Content-Type": ct}}), 201)
	if loc := doc.Header.Get("Location"); !strings.HasPrefix(loc, "/cms/api/v1/documents/") {
		t.Errorf("Location %q is not under the prefix", loc)
	}
	apitest.Expect(t, apitest.Do(t, guest.base, apitest.Req{Method: "GET", Path: doc.Header.Get("Location"), Headers: alice}), 200)

	// An archivist may not write; an unknown host user is no one; a
	// twincms token still works, and a bad one is not rescued by the host.
	apitest.ExpectProblem(t, apitest.Do(t, guest.base, apitest.Req{Method: "POST", Path: "/cms/api/v1/partnerships",
		Body: body, Headers: map[string]string{"X-Host-User": "bob"}}), 403, "forbidden")
	apitest.ExpectProblem(t, get(t, "/cms/api/v1/me", map[string]string{"X-Host-User": "mallory"}), 401, "unauthorized")
	apitest.Expect(t, apitest.Do(t, guest.base, apitest.Req{Method: "GET", Path: "/cms/api/v1/me", Token: apitest.AdminToken}), 200)
	apitest.ExpectProblem(t, apitest.Do(t, guest.base, apitest.Req{Method: "GET", Path: "/cms/api/v1/me", Token: "wrong",
		Headers: alice}), 401, "unauthorized")
}

// With the host's registerer, twincms's metrics are gathered by the host.
func TestMetricsGoToTheHostsRegisterer(t *testing.T) {
	apitest.Expect(t, get(t, "/cms/healthz", nil), 200)
	families, err := guest.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "twincms_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" && l.GetValue() == "/cms/healthz" {
					return
				}
			}
		}
	}
	t.Fatalf("no twincms_http_requests_total{route=/cms/healthz} among %d families of the host's registry", len(families))
}

// One CMS is mounted once; two CMS instances, each on its own data, can
// be mounted under two prefixes of one host app and keep apart. One data
// directory serves one instance at a time.
func TestASecondInstanceMountsUnderAnotherPrefix(t *testing.T) {
	if err := guest.cms.Mount(fiber.New()); !errors.Is(err, twincms.ErrMountedTwice) {
		t.Fatalf("mounting the same CMS again: %v, want ErrMountedTwice", err)
	}
	ctx := t.Context()
	if _, err := twincms.Open(ctx, guest.cfg); err == nil {
		t.Fatal("a second CMS opened the data directory in use")
	}
	cfg, err := apitest.Config(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := twincms.Open(ctx, cfg, twincms.WithPrefix("/cms2"), twincms.WithoutMetrics(), twincms.WithSite(false))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(context.WithoutCancel(ctx))
	first, err := twincms.Open(ctx, mustConfig(t), twincms.WithPrefix("/cms1"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close(context.WithoutCancel(ctx))
	host := fiber.New()
	if err := first.Mount(host); err != nil {
		t.Fatal(err)
	}
	if err := second.Mount(host); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = host.Listener(ln) }()
	defer host.Shutdown()
	base := "http://" + ln.Addr().String()
	slug := "only-in-one"
	apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "POST", Path: "/cms1/api/v1/partnerships", Token: apitest.AdminToken,
		Body: map[string]any{"slug": slug, "relation": "twin", "partner": map[string]any{"name": map[string]string{"sl": "Ena"}, "country": "AT"}}}), 201)
	list1 := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms1/api/v1/partnerships", Token: apitest.AdminToken}), 200)
	list2 := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms2/api/v1/partnerships", Token: apitest.AdminToken}), 200)
	if !strings.Contains(string(list1.Body), slug) || strings.Contains(string(list2.Body), slug) {
		t.Fatalf("instances not apart:\n/cms1: %.200s\n/cms2: %.200s", list1.Body, list2.Body)
	}
	apitest.ExpectProblem(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms2/"}), 404, "not-found") // no site there
	apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms1/metrics"}), 200)
	apitest.ExpectProblem(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms2/metrics"}), 404, "not-found")
}

func mustConfig(t *testing.T) config.Config {
	t.Helper()
	cfg, err := apitest.Config(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// When the host stops (its context ends), Run returns, Close frees the
// data directory, and the next Open finds the data again.
func TestStopsWithTheHostAndReopens(t *testing.T) {
	cfg := mustConfig(t)
	cms, err := twincms.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- cms.Run(ctx) }()
	stop()
	select {
	case <-ran:
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return within 30 s of its context ending")
	}
	if err := cms.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := cms.Close(t.Context()); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
	again, err := twincms.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("reopen after Close: %v", err)
	}
	if err := again.Mount(fiber.New()); err != nil {
		t.Fatal(err)
	}
	_ = again.Close(t.Context())
}

// Bad options are refused before anything opens.
func TestOpenRefusesABadPrefix(t *testing.T) {
	for _, p := range []string{"cms", "/cms/", "/:id", "/a b"} {
		if _, err := twincms.Open(t.Context(), config.Config{}, twincms.WithPrefix(p)); err == nil {
			t.Errorf("prefix %q accepted", p)
		}
	}
}
