package backup

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The pacer counts the service busy while requests are answered in most
// of the last moments, and then lets one copy run at a time, pausing
// after it; once the requests stop, copies run at once and side by side.
func TestPacerYieldsWhileRequestsAreAnsweredOnly(t *testing.T) {
	var served atomic.Uint64
	p := newPacer(t.Context(), served.Load, 0.1)
	defer p.stop()
	answering, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-answering:
				return
			case <-time.After(time.Millisecond / 2):
				served.Add(1)
			}
		}
	}()
	waitFor(t, "busy while requests are answered", func() bool { return p.busy.Load() })

	// Busy: copies one at a time, each followed by its pause.
	var running, most atomic.Int32
	work := func() error {
		raise(&most, running.Add(1))
		spin(5 * time.Millisecond)
		running.Add(-1)
		return nil
	}
	start := time.Now()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); lockThread(); _ = p.copy(t.Context(), work) }()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Errorf("%d copies ran at once while the service was busy, want 1", most.Load())
	}
	// Each copy used about 5 ms of CPU; at a tenth of a core it owes 45
	// ms of pause: three owe well over 100 ms.
	if took := time.Since(start); took < 100*time.Millisecond {
		t.Errorf("three copies while busy took %v: no pause", took)
	}

	close(answering)
	<-stopped
	waitFor(t, "idle once the requests stopped", func() bool { return !p.busy.Load() })
	most.Store(0)
	release := make(chan struct{})
	block := func() error {
		raise(&most, running.Add(1))
		<-release
		running.Add(-1)
		return nil
	}
	for range 2 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = p.copy(t.Context(), block) }()
	}
	waitFor(t, "two copies side by side while idle", func() bool { return running.Load() == 2 })
	close(release)
	wg.Wait()
}

// A nil pacer (nothing to watch, or a share of a whole core) never waits.
func TestPacerOffNeverWaits(t *testing.T) {
	if p := newPacer(context.Background(), nil, 0.1); p != nil {
		t.Fatal("a pacer with nothing to watch")
	}
	if p := newPacer(context.Background(), func() uint64 { return 0 }, 1); p != nil {
		t.Fatal("a pacer at a whole core")
	}
	var p *pacer
	ran := false
	if err := p.copy(context.Background(), func() error { ran = true; return nil }); err != nil || !ran {
		t.Fatal("a nil pacer did not run the copy")
	}
	p.stop()
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after 10 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// spin uses the CPU for d of the thread's own time (wall time where
// there is no thread clock).
func spin(d time.Duration) {
	start, cpu := time.Now(), threadCPU()
	x := 0
	for {
		for i := range 10000 {
			x += i
		}
		if used := threadCPU() - cpu; used >= d || used <= 0 && time.Since(start) >= d {
			break
		}
	}
	_ = x
}

// raise sets m to n if n is more.
func raise(m *atomic.Int32, n int32) {
	for cur := m.Load(); n > cur && !m.CompareAndSwap(cur, n); cur = m.Load() {
	}
}
