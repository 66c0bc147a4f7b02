package backup

import (
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// Progress follows a running backup; Snapshot may be called from any
// goroutine (the API's GET, the terminal's progress line).
type Progress struct {
	mu      sync.Mutex
	started time.Time
	p       models.BackupProgress
	limit   *limiter // set by Run; used by its one reading goroutine
}

func (p *Progress) start(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.started, p.p.Phase = time.Now(), phase
}

func (p *Progress) phase(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.Phase = phase
}

func (p *Progress) setTotal(bytes int64, files int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.BytesTotal, p.p.FilesTotal = bytes, files
}

// sent counts n bytes read and sent.
func (p *Progress) sent(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.BytesDone += n
	p.p.BytesSent += n
}

// fileDone counts a file done; skipped bytes (already in the target) count
// as done without being sent.
func (p *Progress) fileDone(sent bool, skipped int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.p.FilesDone++
	p.p.BytesDone += skipped
	if sent {
		p.p.FilesSent++
	}
}

// Snapshot is the progress now, with the rate so far and the time left
// at that rate.
func (p *Progress) Snapshot() models.BackupProgress {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.p
	if el := time.Since(p.started).Seconds(); !p.started.IsZero() && el > 0 {
		out.RateBps = float64(out.BytesDone) / el
		if out.RateBps > 0 && out.BytesTotal > out.BytesDone {
			out.ETASeconds = float64(out.BytesTotal-out.BytesDone) / out.RateBps
		}
	}
	return out
}
