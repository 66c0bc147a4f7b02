package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// The example builds as a module of its own against this checkout (the
// replace directive of testdata/go.mod.txt), starts with the TWINCMS_*
// environment like the service, serves its own page with the twin towns
// from the Go API, twincms's public page and editor API under /cms, lets
// the host's signed-in editor write, and stops on SIGTERM.
func TestExampleHostBuildsAsItsOwnModuleAndServes(t *testing.T) {
	bin := buildAsOwnModule(t)
	addr, err := apitest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := apitest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "TWINCMS_ADDR="+addr, "TWINCMS_S3_ADDR="+s3, "TWINCMS_DATA_DIR="+t.TempDir(),
		"TWINCMS_BOOTSTRAP_TOKEN="+apitest.AdminToken, "HOST_EDITORS=alice,ana", "TWINCMS_DEMO=true")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("host output:\n%s", out.String())
		}
	}()
	base := "http://" + addr
	waitFor(t, base+"/cms/readyz", exited)

	home := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/"}), 200)
	if !strings.Contains(string(home.Body), "<h1>Naša občina</h1>") {
		t.Fatalf("home page: %s", home.Body)
	}
	public := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/api/v1/public/partnerships"}), 200).Map(t)
	if n, want := strings.Count(string(home.Body), `<li class="partner">`), len(public["items"].([]any)); n != want || n < 3 {
		t.Fatalf("home page lists %d twin towns, the public API %d", n, want)
	}
	apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/api/v1/public/pages/pobratene-obcine"}), 200)
	// /admin sends a person to /admin/ under the host's prefix.
	if loc := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/admin"}), 302).Header.Get("Location"); loc != "/cms/admin/" {
		t.Fatalf("/cms/admin redirects to %q, want /cms/admin/", loc)
	}
	apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/admin/"}), 200)

	alice := map[string]string{"X-Forwarded-User": "alice"}
	created := apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "POST", Path: "/cms/api/v1/partnerships", Headers: alice,
		Body: map[string]any{"slug": "host-made", "relation": "friendship",
			"partner": map[string]any{"name": map[string]string{"sl": "Gostiteljevo"}, "country": "HR"}}}), 201).Map(t)
	if created["created_by"] != "token:host:alice" {
		t.Errorf("created_by %v", created["created_by"])
	}
	apitest.ExpectProblem(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/api/v1/partnerships",
		Headers: map[string]string{"X-Forwarded-User": "eve"}}), 401, "unauthorized")
	apitest.Expect(t, apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/cms/api/v1/partnerships", Token: apitest.AdminToken}), 200)
	if r := apitest.Do(t, base, apitest.Req{Method: "GET", Path: "/nope"}); r.Status != 404 || strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("outside /cms the host answers: %d %s", r.Status, r.Header.Get("Content-Type"))
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("host exit: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("host did not stop within 60 s of SIGTERM")
	}
}

// buildAsOwnModule copies the example into a module of its own beside
// this checkout's go.sum and builds it.
func buildAsOwnModule(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("testdata/go.mod.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	gomod := regexp.MustCompile(`(?m)^//.*\n`).ReplaceAllString(strings.Replace(string(mod), "REPO", repo, 1), "")
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"mod", "tidy"}, {"build", "-o", "host", "."}} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the example's own module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return filepath.Join(dir, "host")
}

// waitFor polls url until it answers 200, the process exits or a minute
// passes.
func waitFor(t *testing.T, url string, exited <-chan error) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("host exited before it was ready: %v", err)
		default:
		}
		if res, err := apitest.Client.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s not ready within 2 minutes", url)
}
