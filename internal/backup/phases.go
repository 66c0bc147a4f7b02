package backup

import (
	"math"
	"sync"
	"time"
)

// phases records how long each part of a backup took (Info.Took): what
// an operator reads to see where a slow backup spends its time, and what
// the benchmark reports.
type phases struct {
	mu   sync.Mutex
	last time.Time
	took map[string]time.Duration
}

// done records the time since the previous done (or the first call) as
// name's.
func (p *phases) done(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.last.IsZero() {
		p.last = now
	}
	p.addLocked(name, now.Sub(p.last))
	p.last = now
}

// add records d for name (a part that ran beside the others).
func (p *phases) add(name string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.addLocked(name, d)
}

func (p *phases) addLocked(name string, d time.Duration) {
	if p.took == nil {
		p.took = map[string]time.Duration{}
	}
	p.took[name] += d
}

// seconds is the record in seconds, to the millisecond.
func (p *phases) seconds() map[string]float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]float64, len(p.took))
	for k, d := range p.took {
		out[k] = math.Round(d.Seconds()*1000) / 1000
	}
	return out
}
