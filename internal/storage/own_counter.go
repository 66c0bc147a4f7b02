package storage

import (
	"context"
	"sync"
)

// loadBatch bounds the records one cursor batch of a full load carries:
// the client's operation timeout (dbOpTimeout) covers each batch, and a
// single batch of every record of a large collection can exceed it on a
// loaded machine (seen at 5,000 partnerships, load average 30).
const loadBatch = 500

// ownCounter is a shared change counter (Changes) as one instance uses it
// to keep an in-memory copy fresh: every write bumps it, and the instance
// remembers which bumps were its own, so that it reloads only for writes
// made by another instance (its own writes update the copy directly).
type ownCounter struct {
	*Changes

	mu   sync.Mutex
	seen int64          // the value the in-memory copy reflects
	own  map[int64]bool // values this instance's writes made
	// unbumped is set when a write could not bump the counter: retry
	// bumps it later, so other instances still hear of the write.
	unbumped bool

	// Rounds of bumps (see bump): started and finished count them,
	// running says one is in flight; cond wakes the writers waiting.
	rounds            sync.Mutex
	cond              *sync.Cond
	started, finished uint64
	running           bool
}

func newOwnCounter(db *DB, key string) *ownCounter {
	c := &ownCounter{Changes: NewCounter(db, key), own: map[int64]bool{}}
	c.cond = sync.NewCond(&c.rounds)
	return c
}

// bump tells other instances of a write made here, before the write is
// answered. Concurrent writers share bumps (a group commit): a bump
// already in flight may have incremented before this write landed, so a
// writer waits for the next one to start after it arrived, and the first
// writer to find none running runs it for everyone waiting. Under
// parallel uploads that is one counter write for several documents.
func (c *ownCounter) bump(ctx context.Context) {
	c.rounds.Lock()
	defer c.rounds.Unlock()
	need := c.started + 1
	for c.finished < need {
		if c.running {
			c.cond.Wait()
			continue
		}
		c.running = true
		c.started++
		c.rounds.Unlock()
		c.bumpNow(ctx)
		c.rounds.Lock()
		c.running, c.finished = false, c.started
		c.cond.Broadcast()
	}
}

// bumpNow increments the counter once and remembers the value as this
// instance's own.
func (c *ownCounter) bumpNow(ctx context.Context) {
	seq, err := c.Bump(context.WithoutCancel(ctx))
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.unbumped = true
		return
	}
	if seq > c.seen {
		c.own[seq] = true
	}
}

// retry bumps once more if a bump failed.
func (c *ownCounter) retry(ctx context.Context) {
	c.mu.Lock()
	again := c.unbumped
	c.unbumped = false
	c.mu.Unlock()
	if again {
		c.bumpNow(ctx)
	}
}

// loaded records that the copy was read after the counter showed seq.
func (c *ownCounter) loaded(seq int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = max(c.seen, seq)
}

// foreign reads the counter and tells whether it moved by a bump not made
// here since the copy was loaded: then the copy must be reloaded (reading
// the counter before the data, and calling loaded).
func (c *ownCounter) foreign(ctx context.Context) (bool, error) {
	cur, err := c.Current(ctx)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	foreign := false
	for s := c.seen + 1; s <= cur; s++ {
		if !c.own[s] {
			foreign = true
		}
		delete(c.own, s)
	}
	if !foreign {
		c.seen = max(c.seen, cur)
	}
	return foreign, nil
}
