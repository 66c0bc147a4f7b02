// Package docjobs runs the background work done once per document: text
// extraction (doctext), PRONOM identification (formats) and the
// accessibility check (a11y). Each was a runner of its own of one shape —
// pass over the records, take a due document under a lease, read it again,
// do the work, record it on the document — and differed only in what is
// due and what the work is; that shape lives here once, each kind of work
// a small Job.
//
// The queue is the document records themselves: a record whose facts are
// missing, stale or queued is due. So the queue survives restarts, needs no
// migration for documents stored before a kind of work existed, and an
// upload never waits. With several instances each document is worked on by
// one of them at a time: the runner takes the lease "<kind>:<id>" (an
// insert, atomic even on the embedded store), reads the record again and
// checks it is still due before it starts.
package docjobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// Records are the document records (storage.Documents).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
}

// Leases give one instance at a time a document (storage.Leases).
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
}

// Job is one kind of per-document work.
type Job interface {
	// Due tells whether d needs the work now.
	Due(d *models.Document, now time.Time) bool
	// Do works on d, read again under the lease, and records the outcome
	// on the document. An error wrapping models.ErrUnavailable (the store
	// cannot be reached) ends the pass, and the loop backs off; any other
	// is the document's own failure: logged, and the pass goes on.
	Do(ctx context.Context, d *models.Document) error
}

// Surveyor is a Job that looks at all the records at the start of each
// pass (its queue gauges); false skips the pass (its programs are missing).
type Surveyor interface {
	Survey(docs []*models.Document, now time.Time) bool
}

// Config is a runner's kind of work and dependencies.
type Config struct {
	// Kind names the work in leases ("<kind>:<id>") and metrics: "text".
	Kind string
	// Name names it in logs: "text extraction".
	Name    string
	Records Records
	// Leases nil: no lease (the work is idempotent and cheap).
	Leases Leases
	// LeaseTTL bounds how long a crashed runner's document waits to be
	// taken again; nothing renews it, so it is also the most one
	// document's work may take.
	LeaseTTL time.Duration
	Holder   string
	Logger   *slog.Logger
	Metrics  *Metrics
	// Every is the pass interval besides wake-ups (0: one minute).
	Every time.Duration
	// OnDone, when set, hears of every document worked on (the full-text
	// index takes the new facts in at once).
	OnDone func()
}

// Runner runs one Job over the records.
type Runner struct {
	Config
	Job Job

	once sync.Once
	wake chan struct{}
	done atomic.Int64
}

// New returns a runner of job; call Run to start it.
func New(job Job, c Config) *Runner { return &Runner{Config: c, Job: job} }

func (r *Runner) init() { r.once.Do(func() { r.wake = make(chan struct{}, 1) }) }

// Wake asks the runner to look for work now (a document was written).
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Changed is a change hook: any document written wakes the runner.
func (r *Runner) Changed(_ context.Context, ch models.Change) {
	if ch.Resource == models.ResourceDocument {
		r.Wake()
	}
}

// Done is how many documents this runner has worked on.
func (r *Runner) Done() int64 { return r.done.Load() }

// Run passes over the records until ctx ends: at once, when woken and
// every interval.
func (r *Runner) Run(ctx context.Context) {
	r.init()
	every := r.Every
	if every <= 0 {
		every = time.Minute
	}
	loop.Every(ctx, every, func(ctx context.Context) error { _, err := r.RunOnce(ctx); return err }, r.Logger,
		loop.Name(r.Name), loop.Immediately(), loop.Wake(r.wake), loop.Jitter(0.2), loop.Retry(2*time.Second, time.Minute))
}

// RunOnce works on every due document, one after another, and returns how
// many. Only a store that cannot be reached (or ctx's end) is returned; a
// document's own failure is logged, counted and left to the next pass.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	docs, err := r.Records.All(ctx)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	if s, ok := r.Job.(Surveyor); ok && !s.Survey(docs, now) {
		return 0, nil
	}
	var todo []string
	for _, d := range docs {
		if r.Job.Due(d, now) {
			todo = append(todo, d.ID)
		}
	}
	r.Metrics.due(r.Kind, len(todo))
	n := 0
	for i, id := range todo {
		if ctx.Err() != nil {
			return n, nil
		}
		ok, err := r.one(ctx, id)
		switch {
		case err == nil && ok:
			n++
			r.done.Add(1)
			r.Metrics.outcome(r.Kind, "done")
			if r.OnDone != nil {
				r.OnDone()
			}
		case err == nil:
		case ctx.Err() != nil: // a shutdown, not a failure
			return n, nil
		case errors.Is(err, models.ErrUnavailable):
			r.Metrics.outcome(r.Kind, "unavailable")
			return n, err
		default:
			r.Metrics.outcome(r.Kind, "failed")
			if r.Logger != nil {
				r.Logger.Warn(r.Name+" of a document failed", "document", id, "err", err)
			}
		}
		r.Metrics.due(r.Kind, len(todo)-i-1)
	}
	return n, nil
}

// one works on one document under its lease; false when it was not due
// any more or another instance holds it.
func (r *Runner) one(ctx context.Context, id string) (bool, error) {
	if r.Leases != nil {
		name := r.Kind + ":" + id
		ok, err := r.Leases.Acquire(ctx, name, r.Holder, r.LeaseTTL)
		if err != nil || !ok {
			return false, err
		}
		defer func() { _ = r.Leases.Release(context.WithoutCancel(ctx), name, r.Holder) }()
	}
	doc, err := r.Records.Get(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil // purged meanwhile
	}
	if err != nil {
		return false, err
	}
	if !r.Job.Due(doc, time.Now()) { // another instance finished it meanwhile
		return false, nil
	}
	if err := r.Job.Do(ctx, doc); err != nil {
		return false, err
	}
	return true, nil
}
