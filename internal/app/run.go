package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
)

// sweepGrace protects objects of uploads still streaming on another
// instance from the orphan sweep. On the embedded store, which no other
// process uses, the sweep at start spares no incomplete multipart upload
// for its age (see ingest.Service.SweepEvery).
const sweepGrace = 2 * time.Hour

// documentIndexPoll is how often the document index looks for other
// instances' writes: their staleness bound, plus one reload.
const documentIndexPoll = 2 * time.Second

// textPoll is how often the text extraction looks for documents to read
// besides being woken by uploads here (another instance's uploads, retries).
const textPoll = 10 * time.Second

// Run does the background work until ctx ends, then returns once all of it
// has stopped. Call it once, in its own goroutine; cancel ctx before Close.
func (a *App) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, f := range a.loops() {
		wg.Add(1)
		go func() { defer wg.Done(); f(ctx) }()
	}
	wg.Wait()
	return nil
}

// loops are the background loops, one line each: token reloads (tokens
// made on other instances), the published snapshot's refresh (changes
// made on other instances), the orphan sweep, retried clean-ups, the
// fixity audit, webhook deliveries, the in-memory lists' sync, scheduled
// publishing, the PDFs' accessibility check, scheduled backups and the
// audit log's pruning.
func (a *App) loops() []func(context.Context) {
	return []func(context.Context){
		func(ctx context.Context) { a.Tokens.RefreshEvery(ctx, 5*time.Second, a.Logger) },
		func(ctx context.Context) { a.Published.Watch(ctx) },
		func(ctx context.Context) { a.Ingest.SweepEvery(ctx, 15*time.Minute, sweepGrace, a.Cfg.EmbeddedS3()) },
		func(ctx context.Context) { a.Ingest.CleanUpEvery(ctx) },
		func(ctx context.Context) { a.Fixity.AuditEvery(ctx, a.Cfg.FixityInterval) },
		func(ctx context.Context) { a.Webhooks.Run(ctx) },
		func(ctx context.Context) { a.Documents.WatchIndex(ctx, documentIndexPoll, a.Logger) },
		func(ctx context.Context) {
			loop.Every(ctx, documentIndexPoll, a.syncContentMemory, a.Logger, loop.Name("content list memory refresh"))
		},
		func(ctx context.Context) { a.Schedules.RunEvery(ctx, time.Second) },
		func(ctx context.Context) { a.A11y.Run(ctx) },
		func(ctx context.Context) { a.runBackupSchedule(ctx) },
		func(ctx context.Context) { a.TextRunner.Run(ctx, textPoll) },
		func(ctx context.Context) { a.FormatRunner.Run(ctx, textPoll) },
		func(ctx context.Context) { a.ThumbnailRunner.Run(ctx, textPoll) },
		func(ctx context.Context) { a.RenditionRunner.Run(ctx) },
		func(ctx context.Context) {
			if a.SearchSync != nil {
				a.SearchSync.Run(ctx, searchPoll)
			}
		},
		func(ctx context.Context) {
			loop.Every(ctx, 10*time.Minute, a.Accounts.SweepExpired, a.Logger, loop.Name("expired session sweep"))
		},
		func(ctx context.Context) {
			// Collections made after the start (on their first write: the
			// claims, the change log, …) get the embedded store's _id index
			// too, within seconds.
			loop.Every(ctx, 5*time.Second, func(ctx context.Context) error { a.IndexEmbeddedIDs(ctx); return nil }, a.Logger, loop.Name("embedded _id index"))
		},
		func(ctx context.Context) {
			a.Audit.PruneEvery(ctx, a.Cfg.AuditRetention, min(a.Cfg.AuditRetention/2+time.Second, time.Hour))
		},
	}
}

// syncContentMemory follows other instances' content writes in the list
// memories of partnerships, blocks and pages (no-ops when they are off).
func (a *App) syncContentMemory(ctx context.Context) error {
	return errors.Join(a.Partnerships.SyncMemory(ctx), a.Blocks.SyncMemory(ctx), a.Pages.SyncMemory(ctx))
}
