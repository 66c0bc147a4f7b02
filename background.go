package twincms

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
)

// sweepGrace protects objects of uploads still streaming on another
// instance from the orphan sweep.
const sweepGrace = 2 * time.Hour

// documentIndexPoll is how often the document index looks for other
// instances' writes: their staleness bound, plus one reload.
const documentIndexPoll = 2 * time.Second

// Run does the background work until ctx ends, then returns once all of
// it has stopped: token reloads (tokens made on other instances), the
// published snapshot's refresh (changes made on other instances), the
// orphan sweep, retried clean-ups, the fixity audit, webhook deliveries,
// scheduled publishing and the audit log's pruning. Call it once, in
// its own goroutine; cancel ctx before Close.
func (c *CMS) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, f := range c.loops() {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	wg.Wait()
	return nil
}

// loops are the background loops, one line each.
func (c *CMS) loops() []func(context.Context) {
	return []func(context.Context){
		func(ctx context.Context) { c.tokens.RefreshEvery(ctx, 5*time.Second, c.logger) },
		func(ctx context.Context) { c.published.Watch(ctx) },
		func(ctx context.Context) { c.ingest.SweepEvery(ctx, 15*time.Minute, sweepGrace) },
		func(ctx context.Context) { c.ingest.CleanUpEvery(ctx) },
		func(ctx context.Context) { c.fixity.AuditEvery(ctx, c.cfg.FixityInterval) },
		func(ctx context.Context) { c.webhooks.Run(ctx) },
		func(ctx context.Context) { c.documents.WatchIndex(ctx, documentIndexPoll, c.logger) },
		func(ctx context.Context) {
			loop.Every(ctx, documentIndexPoll, c.syncContentMemory, c.logger, loop.Name("content list memory refresh"))
		},
		func(ctx context.Context) { c.schedules.RunEvery(ctx, time.Second) },
		func(ctx context.Context) {
			c.audit.PruneEvery(ctx, c.cfg.AuditRetention, min(c.cfg.AuditRetention/2+time.Second, time.Hour))
		},
	}
}

// syncContentMemory follows other instances' content writes in the list
// memories of partnerships, blocks and pages (no-ops when they are off).
func (c *CMS) syncContentMemory(ctx context.Context) error {
	return errors.Join(c.partnerships.SyncMemory(ctx), c.blocks.SyncMemory(ctx), c.pages.SyncMemory(ctx))
}
