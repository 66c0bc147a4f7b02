package storage

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The S3 child is this same executable started with s3ChildEnv set: the
// versitygw posix backend changes the process's working directory and
// allows one gateway per process, so it cannot share our process.
const (
	s3ChildEnv    = "TWINCMS_INTERNAL_S3_CHILD"
	s3ChildReady  = "TWINCMS-S3-READY "
	s3ChildRoot   = "TWINCMS_INTERNAL_S3_ROOT"
	s3ChildAddr   = "TWINCMS_INTERNAL_S3_ADDR"
	s3ChildAccess = "TWINCMS_INTERNAL_S3_ACCESS"
	s3ChildSecret = "TWINCMS_INTERNAL_S3_SECRET"
	s3ChildRegion = "TWINCMS_INTERNAL_S3_REGION"
)

// EmbeddedS3 is a running versitygw child process.
type EmbeddedS3 struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
	done  chan struct{}
	once  sync.Once
	err   error
}

// EmbeddedS3Options says where the embedded S3 keeps its objects and where
// it listens. The address must be stable across restarts: presigned links
// name it.
type EmbeddedS3Options struct {
	Root      string // absolute directory; each bucket is a subdirectory
	Addr      string // host:port
	AccessKey string
	SecretKey string
	Region    string
	// Stderr receives the child's own diagnostics; nil discards them.
	Stderr io.Writer
}

// StartEmbeddedS3 starts the child and waits until it serves.
func StartEmbeddedS3(ctx context.Context, opts EmbeddedS3Options) (*EmbeddedS3, error) {
	if !filepath.IsAbs(opts.Root) {
		return nil, fmt.Errorf("embedded s3: %q is not an absolute path", opts.Root)
	}
	if err := os.MkdirAll(opts.Root, 0o700); err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	// Not CommandContext: the child must outlive the start-up context and
	// stop in order at Close.
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(),
		s3ChildEnv+"=1", s3ChildRoot+"="+opts.Root, s3ChildAddr+"="+opts.Addr,
		s3ChildAccess+"="+opts.AccessKey, s3ChildSecret+"="+opts.SecretKey, s3ChildRegion+"="+opts.Region)
	cmd.Stderr = opts.Stderr
	setChildAttrs(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("embedded s3: start: %w", err)
	}
	s := &EmbeddedS3{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), s3ChildReady); ok {
				ready <- addr
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.addr = <-ready:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("embedded s3: child exited before it was ready (is %s free?): %v", opts.Addr, s.err)
	case <-ctx.Done():
		_ = s.Close()
		return nil, fmt.Errorf("embedded s3: %w", ctx.Err())
	case <-time.After(15 * time.Second):
		_ = s.Close()
		return nil, errors.New("embedded s3: not ready within 15s")
	}
}

// Addr is the host:port the child serves on.
func (s *EmbeddedS3) Addr() string { return s.addr }

// PID is the child's process id.
func (s *EmbeddedS3) PID() int { return s.cmd.Process.Pid }

// Close asks the child to stop by closing its stdin, and kills it if it has
// not exited within 5 s.
func (s *EmbeddedS3) Close() error {
	s.once.Do(func() {
		_ = s.stdin.Close()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	return nil
}
