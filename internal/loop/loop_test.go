package loop

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// run starts Every in the background and returns a stop that cancels it
// and waits until it returned (failing the test if it does not).
func run(t *testing.T, interval time.Duration, work func(context.Context) error, logger *slog.Logger, opts ...Option) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); Every(ctx, interval, work, logger, opts...) }()
	return func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Every did not return after its context ended")
		}
	}
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 10 s: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// syncBuffer is a log destination safe for the loop's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestEveryRepeatsUntilTheContextEnds(t *testing.T) {
	var n atomic.Int64
	stop := run(t, time.Millisecond, func(context.Context) error { n.Add(1); return nil }, nil)
	waitFor(t, "three runs", func() bool { return n.Load() >= 3 })
	stop()
	after := n.Load()
	time.Sleep(20 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("ran %d more times after it returned", n.Load()-after)
	}
}

func TestImmediatelyRunsBeforeTheFirstInterval(t *testing.T) {
	ran := make(chan struct{}, 1)
	stop := run(t, time.Hour, func(context.Context) error { ran <- struct{}{}; return nil }, nil, Immediately())
	defer stop()
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("an hourly loop with Immediately did not run at the start")
	}
}

func TestWithoutImmediatelyTheFirstRunWaits(t *testing.T) {
	var n atomic.Int64
	stop := run(t, time.Hour, func(context.Context) error { n.Add(1); return nil }, nil)
	time.Sleep(20 * time.Millisecond)
	stop()
	if n.Load() != 0 {
		t.Fatalf("an hourly loop ran %d times at once", n.Load())
	}
}

func TestWakeRunsEarlyAndZeroIntervalOnlyOnWake(t *testing.T) {
	wake := make(chan struct{}, 1)
	var n atomic.Int64
	stop := run(t, 0, func(context.Context) error { n.Add(1); return nil }, nil, Wake(wake))
	defer stop()
	time.Sleep(20 * time.Millisecond)
	if n.Load() != 0 {
		t.Fatalf("ran %d times without being woken", n.Load())
	}
	for i := int64(1); i <= 3; i++ {
		wake <- struct{}{}
		waitFor(t, "a run per wake", func() bool { return n.Load() == i })
	}
}

func TestFailuresAreLoggedAndRetriedWithBackoff(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	var n atomic.Int64
	// Interval zero: only the retries make it run again after the start.
	stop := run(t, 0, func(context.Context) error {
		if n.Add(1) <= 3 {
			return errors.New("store down")
		}
		return nil
	}, logger, Immediately(), Name("sweep"), Retry(time.Millisecond, 4*time.Millisecond))
	waitFor(t, "three failures and a success", func() bool { return n.Load() == 4 })
	time.Sleep(20 * time.Millisecond)
	stop()
	if n.Load() != 4 {
		t.Fatalf("ran %d times: after a success it must wait for the interval (none)", n.Load())
	}
	if got := strings.Count(logs.String(), `msg="sweep failed" err="store down"`); got != 3 {
		t.Fatalf("%d failures logged, want 3:\n%s", got, logs.String())
	}
}

func TestAFailureAtShutdownIsNotLogged(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	started := make(chan struct{})
	stop := run(t, time.Hour, func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}, logger, Immediately())
	<-started
	stop()
	if logs.String() != "" {
		t.Fatalf("a run cut off by shutdown was logged: %s", logs.String())
	}
}

func TestJitterStaysWithinItsFraction(t *testing.T) {
	d := 10 * time.Second
	for _, tc := range []struct {
		fraction, r float64
		want        time.Duration
	}{
		{0, 0.99, d},
		{0.2, 0, 8 * time.Second},
		{0.2, 0.5, d},
		{0.2, 0.75, 11 * time.Second},
	} {
		if got := jittered(d, tc.fraction, tc.r); got != tc.want {
			t.Errorf("jittered(%v, %v, %v) = %v, want %v", d, tc.fraction, tc.r, got, tc.want)
		}
	}
	var o options
	Jitter(3)(&o)
	if o.jitter != 0.5 {
		t.Errorf("Jitter(3) is %v, want it capped at 0.5", o.jitter)
	}
	for range 1000 {
		if got := o.next(d); got < d/2 || got > d*3/2 {
			t.Fatalf("next wait %v outside half to one and a half of %v", got, d)
		}
	}
}
