// Package readmodel holds the in-memory read models that keep the
// embedded store's lists and the archive's partnership search fast (the
// embedded FerretDB scans a collection for every query), and their sync
// across instances: each instance updates its copy on its own writes and
// bumps a shared counter, and reloads when the counter moved by a bump
// not its own (OwnCounter). ContentList serves a content type's lists,
// PartnershipIndex the archive's partnership summaries; the document
// index's data structure is package docindex.
//
// It may import models and the BSON codec (records are kept as the BSON
// the database holds, so filters and sorts are evaluated on the stored
// fields); the database itself it reaches only through the small
// interfaces it declares (Counter, SummarySource, ReadAll), which
// package storage implements.
package readmodel

import (
	"context"
	"sync"
)

// Counter is a shared change counter in the database (storage.Changes):
// Bump increments it and returns the new value, Current reads it.
type Counter interface {
	Bump(ctx context.Context) (int64, error)
	Current(ctx context.Context) (int64, error)
}

// OwnCounter is a shared change counter as one instance uses it
// to keep an in-memory copy fresh: every write bumps it, and the instance
// remembers which bumps were its own, so that it reloads only for writes
// made by another instance (its own writes update the copy directly).
type OwnCounter struct {
	counter Counter

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

// NewOwnCounter follows counter for one in-memory copy.
func NewOwnCounter(counter Counter) *OwnCounter {
	c := &OwnCounter{counter: counter, own: map[int64]bool{}}
	c.cond = sync.NewCond(&c.rounds)
	return c
}

// Bump tells other instances of a write made here, before the write is
// answered. Concurrent writers share bumps (a group commit): a bump
// already in flight may have incremented before this write landed, so a
// writer waits for the next one to start after it arrived, and the first
// writer to find none running runs it for everyone waiting. Under
// parallel uploads that is one counter write for several documents.
func (c *OwnCounter) Bump(ctx context.Context) {
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
func (c *OwnCounter) bumpNow(ctx context.Context) {
	seq, err := c.counter.Bump(context.WithoutCancel(ctx))
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

// Retry bumps once more if a bump failed.
func (c *OwnCounter) Retry(ctx context.Context) {
	c.mu.Lock()
	again := c.unbumped
	c.unbumped = false
	c.mu.Unlock()
	if again {
		c.bumpNow(ctx)
	}
}

// Loaded records that the copy was read after the counter showed seq.
func (c *OwnCounter) Loaded(seq int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = max(c.seen, seq)
}

// Foreign reads the counter and tells whether it moved by a bump not made
// here since the copy was loaded: then the copy must be reloaded (reading
// the counter before the data, and calling Loaded).
func (c *OwnCounter) Foreign(ctx context.Context) (bool, error) {
	cur, err := c.counter.Current(ctx)
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

// Current reads the shared counter (before a full load, so that writes
// during the load show as a later value).
func (c *OwnCounter) Current(ctx context.Context) (int64, error) { return c.counter.Current(ctx) }
