package publish

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// How the shared change log is followed and kept small.
const (
	// gapWait is how long a poll waits for an entry missing below the
	// counter before it relists everything: a writer bumps the counter,
	// then writes the entry, and a poll may fall between the two.
	gapWait = 200 * time.Millisecond
	// maxApply is the most entries a poll applies one by one; further
	// behind, one relist is cheaper.
	maxApply = 500
	// logKeep is how many entries the log keeps; the writer of every
	// logPruneEvery-th value removes older ones. An instance further
	// behind than logKeep meets a gap and relists.
	logKeep       = 10_000
	logPruneEvery = 1_000
)

// logState is what this instance wrote to the change log.
type logState struct {
	mu sync.Mutex
	// own are the counter values this instance's changes took, not yet
	// passed by the snapshot: the poll skips them (they were applied
	// here) and counts them as present when their entry is missing.
	own map[int64]bool
	// unlogged are changes whose counter bump failed, one a thing
	// touched: the poll logs them again, so the other instances still
	// hear of them.
	unlogged map[models.LoggedChange]models.Change
}

// logChange logs c in the shared change log (not cut short by the
// request's end: the write is stored). When s, a snapshot with c applied,
// is given and nobody else changed anything since s was read, s is
// current at the new value; otherwise the next poll applies what came
// between.
func (p *Publisher) logChange(ctx context.Context, c models.Change, s *snapshot) {
	ctx = context.WithoutCancel(ctx)
	seq, err := p.src.Changes.Append(ctx, c.Resource, c.ID)
	if seq == 0 {
		p.logger.Warn("content change not logged; retrying at the next poll", "resource", c.Resource, "id", c.ID, "err", err)
		p.log.mu.Lock()
		if p.log.unlogged == nil {
			p.log.unlogged = map[models.LoggedChange]models.Change{}
		}
		p.log.unlogged[models.LoggedChange{Resource: c.Resource, ID: c.ID}] = c
		p.log.mu.Unlock()
		return
	}
	if err != nil {
		p.logger.Warn("content change counted but not logged: other instances relist", "resource", c.Resource, "id", c.ID, "err", err)
	}
	if s != nil && seq == s.seq+1 {
		s.seq = seq
	} else {
		p.log.mu.Lock()
		p.log.own[seq] = true
		p.log.mu.Unlock()
	}
	if seq%logPruneEvery == 0 {
		if err := p.src.Changes.Prune(ctx, seq-logKeep); err != nil {
			p.logger.Warn("content change log not pruned", "err", err)
		}
	}
}

// relog logs again the changes whose bump failed.
func (p *Publisher) relog(ctx context.Context) {
	p.log.mu.Lock()
	again := p.log.unlogged
	p.log.unlogged = nil
	p.log.mu.Unlock()
	for _, c := range again {
		p.logChange(ctx, c, nil)
	}
}

// SafetyRelist bounds the staleness the change log cannot see: a writer
// that stopped after storing its write but before moving the counter
// tells no one, so every instance also relists everything this often
// (spread apart by jitter).
const SafetyRelist = 10 * time.Minute

// Watch follows the other instances' changes every Staleness until ctx
// ends, and relists every SafetyRelist.
func (p *Publisher) Watch(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() {
		loop.Every(ctx, SafetyRelist, p.Rebuild, p.logger, loop.Name("published snapshot safety relist"), loop.Jitter(0.2))
	})
	loop.Every(ctx, Staleness, p.poll, p.logger, loop.Name("published snapshot refresh"))
	wg.Wait()
}

// poll brings the snapshot up to the shared counter: it applies the
// logged changes made elsewhere one by one, or relists everything when
// the log cannot say what changed.
func (p *Publisher) poll(ctx context.Context) error {
	p.relog(ctx)
	seq, err := p.src.Changes.Current(ctx)
	if err != nil {
		return fmt.Errorf("content change counter unreadable: %w", err)
	}
	if p.relistDue.Swap(false) {
		p.lock()
		defer p.unlock()
		if err := p.relist(ctx, seq); err != nil {
			p.relistDue.Store(true)
			return err
		}
		return nil
	}
	from := p.cur.Load().seq
	if seq == from {
		p.forgetOwn(seq)
		return nil
	}
	entries, complete, err := p.entries(ctx, from, seq)
	if err != nil {
		return err
	}
	p.lock()
	defer p.unlock()
	cur := p.cur.Load()
	switch {
	case seq < from: // the counter went back: another database
		return p.relist(ctx, seq)
	case cur.seq >= seq: // local changes caught up meanwhile
		return nil
	case !complete:
		return p.relist(ctx, seq)
	}
	// Each apply reads the current state of what it touches, so one
	// apply a thing covers all its entries, in any order.
	next, applied, done := cur, 0, map[models.LoggedChange]bool{}
	for _, e := range entries {
		what := models.LoggedChange{Resource: e.Resource, ID: e.ID}
		if e.Seq <= cur.seq || p.isOwn(e.Seq) || done[what] {
			continue
		}
		done[what] = true
		n, err := p.apply(ctx, next, models.Change{Resource: e.Resource, ID: e.ID})
		if err != nil {
			return p.relist(ctx, seq)
		}
		next, applied = n, applied+1
	}
	if next == cur {
		next = cur.clone()
	}
	next.seq = seq
	p.cur.Store(next)
	p.forgetOwn(seq)
	for range applied {
		p.refreshed("partial", &p.parts)
	}
	return nil
}

// relist rebuilds the whole snapshot (under the update lock) for a poll
// that saw the counter at seq.
func (p *Publisher) relist(ctx context.Context, seq int64) error {
	if err := p.rebuild(ctx); err != nil {
		return fmt.Errorf("published snapshot not rebuilt: %w", err)
	}
	p.forgetOwn(seq)
	return nil
}

// entries reads the log in (from, upto]; complete is false when a value
// has no entry and is not this instance's own, after waiting gapWait once
// for a writer between its bump and its entry, or when the range is too
// long to apply one by one.
func (p *Publisher) entries(ctx context.Context, from, upto int64) ([]models.LoggedChange, bool, error) {
	if upto < from || upto-from > maxApply {
		return nil, false, nil
	}
	for try := 0; ; try++ {
		es, err := p.src.Changes.Since(ctx, from, upto)
		if err != nil {
			return nil, false, fmt.Errorf("content change log unreadable: %w", err)
		}
		if p.covers(es, from, upto) {
			return es, true, nil
		}
		if try == 1 {
			return nil, false, nil
		}
		select {
		case <-ctx.Done():
			return nil, false, ctx.Err()
		case <-time.After(gapWait):
		}
	}
}

// covers tells whether every value in (from, upto] has an entry in es
// (ordered) or is this instance's own.
func (p *Publisher) covers(es []models.LoggedChange, from, upto int64) bool {
	p.log.mu.Lock()
	defer p.log.mu.Unlock()
	i := 0
	for v := from + 1; v <= upto; v++ {
		for i < len(es) && es[i].Seq < v {
			i++
		}
		if (i < len(es) && es[i].Seq == v) || p.log.own[v] {
			continue
		}
		return false
	}
	return true
}

func (p *Publisher) isOwn(seq int64) bool {
	p.log.mu.Lock()
	defer p.log.mu.Unlock()
	return p.log.own[seq]
}

// forgetOwn drops the own values the snapshot has passed.
func (p *Publisher) forgetOwn(seq int64) {
	p.log.mu.Lock()
	defer p.log.mu.Unlock()
	for v := range p.log.own {
		if v <= seq {
			delete(p.log.own, v)
		}
	}
}
