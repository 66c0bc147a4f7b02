package main

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real program with TWINCMS_METRICS_ADDR serves /metrics on that
// address only (token mode, the default: the scraper's token or an admin
// token), answers 404 for it on TWINCMS_ADDR, and closes both on SIGTERM.
func TestMetricsListenerOfItsOwn(t *testing.T) {
	addrs := freeAddrs(t, 3)
	addr, s3, metricsAddr := addrs[0], addrs[1], addrs[2]
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const scraper = "scraper-token-for-the-process-0123"
	cmd := execMain(exe, t.TempDir(), addr, s3)
	cmd.Env = append(cmd.Env, "TWINCMS_METRICS_ADDR="+metricsAddr, "TWINCMS_METRICS_TOKEN="+scraper)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitReady(t, "http://"+addr+"/readyz")

	get := func(url, token string) (int, string) {
		t.Helper()
		r, err := http.NewRequest("GET", url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, _ := get("http://"+addr+"/metrics", testAdminToken); st != 404 {
		t.Fatalf("/metrics on TWINCMS_ADDR: %d, want 404", st)
	}
	if st, body := get("http://"+metricsAddr+"/metrics", ""); st != 401 || !strings.Contains(body, "unauthorized") {
		t.Fatalf("/metrics without a token: %d %s", st, body)
	}
	for _, tok := range []string{scraper, testAdminToken} {
		if st, body := get("http://"+metricsAddr+"/metrics", tok); st != 200 || !strings.Contains(body, "twincms_http_requests_total") {
			t.Fatalf("/metrics with a token: %d %.200s", st, body)
		}
	}
	if st, _ := get("http://"+metricsAddr+"/api/v1/me", testAdminToken); st != 404 {
		t.Fatalf("the API on the metrics listener: %d, want 404", st)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("exit code %d, want 0", ee.ExitCode())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("still running 15 s after SIGTERM")
	}
	if _, err := http.Get("http://" + metricsAddr + "/metrics"); err == nil {
		t.Fatal("the metrics listener still answers after the exit")
	}
}
