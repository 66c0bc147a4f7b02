package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// service is a twincms the soak started: its own binary, data dir and
// ports, stopped (SIGTERM, then kill) and removed by stop.
type service struct {
	dir   string
	cmd   *exec.Cmd
	base  string
	token string
	done  chan error
}

// startService builds twincms from this module and starts it on the
// embedded servers with the demo content, waiting until /readyz says so.
func startService(ctx context.Context) (*service, error) {
	dir, err := os.MkdirTemp("", "twincms-soak-")
	if err != nil {
		return nil, err
	}
	s := &service{dir: dir, token: "soak-" + randomHex(16), done: make(chan error, 1)}
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, s.fail(err)
	}
	bin := filepath.Join(dir, "twincms")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/twincms")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	fmt.Println("soak: building twincms")
	if err := build.Run(); err != nil {
		return nil, s.fail(fmt.Errorf("build: %w", err))
	}
	addrs, err := freeAddrs(2)
	if err != nil {
		return nil, s.fail(err)
	}
	addr, s3 := addrs[0], addrs[1]
	logf, err := os.Create(filepath.Join(dir, "twincms.log"))
	if err != nil {
		return nil, s.fail(err)
	}
	defer logf.Close()
	s.cmd = exec.Command(bin)
	s.cmd.Env = append(os.Environ(), "TWINCMS_DATA_DIR="+filepath.Join(dir, "data"), "TWINCMS_ADDR="+addr,
		"TWINCMS_S3_ADDR="+s3, "TWINCMS_BOOTSTRAP_TOKEN="+s.token, "TWINCMS_LOG_LEVEL=warn", "TWINCMS_DEMO=true")
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		return nil, s.fail(err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	s.base = "http://" + addr
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if r, err := http.Get(s.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				fmt.Printf("soak: twincms pid %d ready at %s (data and log in %s)\n", s.cmd.Process.Pid, s.base, dir)
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			s.done <- err
			return nil, s.fail(fmt.Errorf("twincms exited (%v); log: %s", err, s.logTail()))
		case <-ctx.Done():
			return nil, s.fail(ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, s.fail(fmt.Errorf("twincms not ready within 2 minutes; log: %s", s.logTail()))
		}
	}
}

// stop sends SIGTERM, kills after 20 s, and removes the data dir.
func (s *service) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.done:
			if err != nil {
				fmt.Fprintf(os.Stderr, "soak: twincms exited with %v; log: %s\n", err, s.logTail())
			}
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			fmt.Fprintln(os.Stderr, "soak: twincms did not stop within 20 s of SIGTERM; killed")
		}
	}
	_ = os.RemoveAll(s.dir)
}

// fail stops what was started and passes err on.
func (s *service) fail(err error) error {
	s.stop()
	return err
}

func (s *service) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "twincms.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run the soak from the twincms module (go run ./internal/bench/soak), or pass -url")
	}
	return filepath.Dir(mod), nil
}

// freeAddrs are n distinct free loopback addresses: every port is held
// until all are chosen, since the kernel may give a port it just freed to
// the next ask (two servers told one port).
func freeAddrs(n int) ([]string, error) {
	out := make([]string, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		out = append(out, l.Addr().String())
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
