package backup

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// The copying yields to requests. What slowed the public path during a
// backup was the CPU (the public answers are served from memory): reading,
// hashing and writing a gigabyte is seconds of CPU, on the same Go
// schedulers and cores as the requests. A lowered thread priority (nice)
// did not help reliably (see priority_linux.go), a fixed rate limit slows
// the backup as much on an idle machine. So the backup watches how busy
// the service is: while requests are answered in most of the last
// moments, one worker copies at a time and, after each object, pauses
// until its CPU time is at most busyShare of the time passed; while the
// service is idle, all workers copy at full speed.
const (
	// paceSample is how often the pacer looks at the requests answered,
	// and paceWindow how many of those looks it weighs (100 ms).
	paceSample = 2 * time.Millisecond
	paceWindow = 50
	// busyAbove is the share of looks with a request answered above which
	// the service counts as busy (200 requests a second of 1 ms each).
	busyAbove = 0.2
	// maxPause bounds one pause (a large object's share is paid off over
	// several objects' pauses).
	maxPause = 200 * time.Millisecond
)

// pacer makes the copying workers yield to requests (see above); nil
// never yields.
type pacer struct {
	served func() uint64
	share  float64
	busy   atomic.Bool
	one    sync.Mutex    // the one worker copying while busy
	debt   time.Duration // pause owed beyond maxPause (under one)
	cancel context.CancelFunc
	done   chan struct{}
}

// newPacer watches served (the requests answered so far) and, while the
// service is busy, keeps the copying to share (0 < share < 1) of one
// core. nil when there is nothing to watch or share is 1 or more.
func newPacer(ctx context.Context, served func() uint64, share float64) *pacer {
	if served == nil || share <= 0 || share >= 1 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &pacer{served: served, share: share, cancel: cancel, done: make(chan struct{})}
	go p.watch(ctx)
	return p
}

// watch samples the requests answered every paceSample and sets busy
// when more than busyAbove of the last paceWindow samples saw one.
func (p *pacer) watch(ctx context.Context) {
	defer close(p.done)
	tick := time.NewTicker(paceSample)
	defer tick.Stop()
	var window [paceWindow]bool
	seen, i, last := 0, 0, p.served()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := p.served()
		answered := now != last
		last = now
		if window[i] {
			seen--
		}
		if window[i] = answered; answered {
			seen++
		}
		i = (i + 1) % paceWindow
		p.busy.Store(float64(seen) > busyAbove*paceWindow)
	}
}

// stop ends the watching.
func (p *pacer) stop() {
	if p == nil {
		return
	}
	p.cancel()
	<-p.done
}

// copy runs fn, one object's copy, on the calling worker, whose thread
// is its own (lockThread): at once while the service is idle; while it
// is busy, alone, then pausing so that fn's CPU time is at most share of
// the time taken.
func (p *pacer) copy(ctx context.Context, fn func() error) error {
	if p == nil || !p.busy.Load() {
		return fn()
	}
	p.one.Lock()
	defer p.one.Unlock()
	start, cpu := time.Now(), threadCPU()
	err := fn()
	used := threadCPU() - cpu
	if used <= 0 { // no thread clock here: the time taken
		used = time.Since(start)
	}
	owed := p.debt + time.Duration(float64(used)/p.share) - time.Since(start)
	pause := min(owed, maxPause)
	p.debt = max(owed-pause, 0)
	if pause > 0 {
		t := time.NewTimer(pause)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
	return err
}
