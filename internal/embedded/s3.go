package embedded

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
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

// Restart backoff of the supervised child: quick for a one-off crash,
// slower when it keeps dying (a port taken, a broken disk), and reset once
// a child has served for restartReset.
const (
	restartMin   = 100 * time.Millisecond
	restartMax   = 5 * time.Second
	restartReset = 30 * time.Second
	readyTimeout = 15 * time.Second
)

// S3 is the versitygw child process and its supervisor: when the
// child dies (killed, crashed, out of memory) it is started again, on the
// same address with the same credentials, so clients and signed links
// keep working once it is back.
type S3 struct {
	opts S3Options
	exe  string
	log  *slog.Logger

	base context.Context // for restarts: start-up's values, no deadline

	mu       sync.Mutex
	cur      *s3Proc
	restarts int

	stop      chan struct{} // closed by Close
	stopped   chan struct{} // closed when the supervisor has stopped the child
	closeOnce sync.Once
}

// s3Proc is one run of the child.
type s3Proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan struct{} // closed when it has exited
	err   error
}

// S3Options says where the embedded S3 keeps its objects and where
// it listens. The address must be stable across restarts: presigned links
// name it.
type S3Options struct {
	Root      string // absolute directory; each bucket is a subdirectory
	Addr      string // host:port
	AccessKey string
	SecretKey string
	Region    string
	// Stderr receives the child's own diagnostics; nil discards them.
	Stderr io.Writer
	// Logger is told of exits and restarts; nil discards.
	Logger *slog.Logger
}

// StartS3 starts the child, waits until it serves and supervises it
// until Close.
func StartS3(ctx context.Context, opts S3Options) (*S3, error) {
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
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &S3{opts: opts, exe: exe, log: log, stop: make(chan struct{}), stopped: make(chan struct{})}
	p, err := s.start(ctx)
	if err != nil {
		return nil, err
	}
	s.cur = p
	// Restarts outlive the start-up context's deadline but keep its values;
	// Close ends them.
	s.base = context.WithoutCancel(ctx)
	go s.supervise(p)
	return s, nil
}

// start runs one child and waits until it serves.
func (s *S3) start(ctx context.Context) (*s3Proc, error) {
	o := s.opts
	// Not CommandContext: the child must outlive the start-up context and
	// stop in order at Close.
	cmd := exec.Command(s.exe)
	cmd.Env = append(os.Environ(),
		s3ChildEnv+"=1", s3ChildRoot+"="+o.Root, s3ChildAddr+"="+o.Addr,
		s3ChildAccess+"="+o.AccessKey, s3ChildSecret+"="+o.SecretKey, s3ChildRegion+"="+o.Region)
	cmd.Stderr = o.Stderr
	setChildAttrs(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("embedded s3: %w", err)
	}
	if err := startChild(cmd); err != nil {
		return nil, fmt.Errorf("embedded s3: start: %w", err)
	}
	p := &s3Proc{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	ready := make(chan struct{}, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), s3ChildReady) {
				ready <- struct{}{}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	select {
	case <-ready:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("embedded s3: child exited before it was ready (is %s free?): %v", o.Addr, p.err)
	case <-ctx.Done():
		p.halt()
		return nil, fmt.Errorf("embedded s3: %w", ctx.Err())
	case <-time.After(readyTimeout):
		p.halt()
		return nil, fmt.Errorf("embedded s3: not ready within %s", readyTimeout)
	}
}

// supervise restarts the child whenever it exits, until Close.
func (s *S3) supervise(p *s3Proc) {
	defer close(s.stopped)
	backoff := restartMin
	for {
		began := time.Now()
		select {
		case <-s.stop:
			p.halt()
			return
		case <-p.done:
		}
		if time.Since(began) > restartReset {
			backoff = restartMin
		}
		s.log.Error("embedded object store exited; restarting", "pid", p.cmd.Process.Pid, "err", p.err, "in", backoff)
		for {
			select {
			case <-s.stop:
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, restartMax)
			next, err := s.startUnlessStopped()
			if err != nil {
				s.log.Error("embedded object store restart failed", "err", err, "retry_in", backoff)
				continue
			}
			s.mu.Lock()
			s.cur, s.restarts = next, s.restarts+1
			n := s.restarts
			s.mu.Unlock()
			s.log.Warn("embedded object store restarted", "addr", s.opts.Addr, "pid", next.cmd.Process.Pid, "restarts", n)
			p = next
			break
		}
	}
}

// startUnlessStopped starts a child, giving up when Close is called.
func (s *S3) startUnlessStopped() (*s3Proc, error) {
	ctx, cancel := context.WithCancel(s.base)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return s.start(ctx)
}

// Addr is the host:port the child serves on; it never changes.
func (s *S3) Addr() string { return s.opts.Addr }

// PID is the current child's process id (a restart changes it).
func (s *S3) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.cmd.Process.Pid
}

// Restarts counts the restarts since start.
func (s *S3) Restarts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.restarts
}

// Close stops supervising and stops the child: its stdin is closed, and it
// is killed if it has not exited within 5 s.
func (s *S3) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.stopped
	})
	return nil
}

// halt asks the child to stop by closing its stdin, and kills it if it
// has not exited within 5 s.
func (p *s3Proc) halt() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}
