package formats

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// The identification queue is the documents themselves, like text
// extraction's: an active record without format facts (one stored before
// identification existed, or one whose identification at ingest ran out
// of time) is identified in the background, by one instance at a time
// under the lease "format:<id>". So existing documents need no separate
// migration step, and a restart loses nothing.

// Records are the document records as the runner needs them
// (storage.Documents).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetFormat(ctx context.Context, id string, facts *models.FormatFacts) error
	AppendEvent(ctx context.Context, ev models.Event) error
}

// Leases give one instance at a time a document (storage.Leases).
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
}

// Stored identifies stored originals.
type Stored struct {
	Identifier *Identifier
	Objects    RangeReader
}

// IdentifyStored identifies the original of a document stored under
// key, within budget when > 0.
func (s Stored) IdentifyStored(ctx context.Context, key string, size int64, name string, budget time.Duration) (*models.FormatFacts, error) {
	return s.Identifier.IdentifyObject(ctx, s.Objects, key, size, name, budget)
}

// Runner identifies every active document without format facts.
type Runner struct {
	Records Records
	Leases  Leases
	Stored  Stored
	Holder  string
	Logger  *slog.Logger
	// OnIdentified, when set, hears how many documents a pass identified.
	OnIdentified func(n int)

	wake chan struct{}
	once sync.Once
}

// leaseTTL bounds one identification (a full scan of the largest file).
const leaseTTL = 10 * time.Minute

func (r *Runner) init() { r.once.Do(func() { r.wake = make(chan struct{}, 1) }) }

// Wake asks the runner to look for work now.
func (r *Runner) Wake() {
	r.init()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run identifies until ctx ends: at once, when woken, and every interval.
func (r *Runner) Run(ctx context.Context, every time.Duration) {
	r.init()
	loop.Every(ctx, every, r.RunOnce, r.Logger, loop.Name("format identification"), loop.Immediately(),
		loop.Wake(r.wake), loop.Jitter(0.2), loop.Retry(2*time.Second, time.Minute))
}

func due(d *models.Document) bool { return d.Status == models.DocumentActive && d.Format == nil }

// RunOnce identifies every document that is due. Only a store that
// cannot be reached is returned; a file that cannot be identified is
// logged and tried again on the next pass.
func (r *Runner) RunOnce(ctx context.Context) error {
	docs, err := r.Records.All(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, d := range docs {
		if !due(d) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil
		}
		ok, err := r.one(ctx, d.ID)
		if errors.Is(err, models.ErrUnavailable) {
			return err
		}
		if err != nil {
			r.Logger.Warn("format identification failed", "document", d.ID, "err", err)
		}
		if ok {
			n++
		}
	}
	if n > 0 && r.OnIdentified != nil {
		r.OnIdentified(n)
	}
	return nil
}

func (r *Runner) one(ctx context.Context, id string) (bool, error) {
	name := "format:" + id
	ok, err := r.Leases.Acquire(ctx, name, r.Holder, leaseTTL)
	if err != nil || !ok {
		return false, err
	}
	defer func() { _ = r.Leases.Release(context.WithoutCancel(ctx), name, r.Holder) }()
	doc, err := r.Records.Get(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return false, nil
	}
	if err != nil || !due(doc) {
		return false, err
	}
	f, err := r.Stored.IdentifyStored(ctx, doc.File.Key, doc.File.Size, doc.File.OriginalFilename, 0)
	if err != nil {
		return false, err
	}
	if err := r.Records.SetFormat(ctx, id, f); err != nil {
		return false, err
	}
	return true, r.Records.AppendEvent(ctx, models.FormatIdentifiedEvent(id, "format-identification", f))
}
