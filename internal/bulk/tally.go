package bulk

// A run's counts and progress reports, kept apart from the run itself.

import (
	"sort"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// tally counts a run; one lock for the counts and the progress callback.
type tally struct {
	mu       sync.Mutex
	opt      Options
	p        Progress
	failures []models.IngestError
	skips    []Skip
}

// begin starts a phase over files.
func (t *tally) begin(ph Phase, files []File) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Phase, t.p.phaseStarted, t.p.Done, t.p.BytesDone = ph, time.Now(), 0, 0
	t.p.Total, t.p.BytesTotal = len(files), 0
	for _, f := range files {
		t.p.BytesTotal += f.Size
	}
	t.tell()
}

// hashed counts one file of n bytes verified.
func (t *tally) hashed(n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Done++
	t.p.BytesDone += n
	t.tell()
}

func (t *tally) stored(size int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Stored++
	t.p.StoredBytes += size
	t.p.Done++
	t.p.BytesDone += size
	t.tell()
}

func (t *tally) skipped(file, of string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Skipped++
	t.p.Done++
	t.skips = append(t.skips, Skip{File: file, DuplicateOf: of})
	t.tell()
}

func (t *tally) failed(e *models.IngestError) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Failed++
	t.p.Done++
	t.failures = append(t.failures, *e)
	t.tell()
}

// tell calls the progress callback; the caller holds mu (or runs alone).
func (t *tally) tell() {
	if t.opt.Progress == nil {
		return
	}
	now := time.Now()
	t.p.Elapsed, t.p.PhaseElapsed = now.Sub(t.p.runStarted), now.Sub(t.p.phaseStarted)
	t.opt.Progress(t.p)
}

func (t *tally) summary() Summary {
	t.mu.Lock()
	defer t.mu.Unlock()
	sort.Slice(t.failures, func(i, j int) bool { return t.failures[i].File < t.failures[j].File })
	sort.Slice(t.skips, func(i, j int) bool { return t.skips[i].File < t.skips[j].File })
	return Summary{Total: t.p.Total, Stored: t.p.Stored, Skipped: t.p.Skipped, Failed: t.p.Failed, Bytes: t.p.StoredBytes,
		Elapsed: time.Since(t.p.runStarted), Failures: t.failures, Skips: t.skips}
}
