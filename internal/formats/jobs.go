package formats

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/models"
)

// Records are the document records as the runner needs them
// (storage.Documents).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetFormat(ctx context.Context, id string, facts *models.FormatFacts) error
	AppendEvent(ctx context.Context, ev models.Event) error
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

// Runner identifies every active document without format facts (one
// stored before identification existed, or one whose identification at
// ingest ran out of time) in the background, as a job of the per-document
// runner (docjobs: the records are the queue, so existing documents need
// no separate migration step and a restart loses nothing; one instance at
// a time identifies a document, under the lease "format:<id>").
type Runner struct {
	Records Records
	Leases  docjobs.Leases
	Stored  Stored
	Holder  string
	Logger  *slog.Logger
	// Jobs are the runners' shared metrics (nil: none).
	Jobs *docjobs.Metrics
	// OnIdentified, when set, hears of every document identified.
	OnIdentified func()

	once sync.Once
	jobs *docjobs.Runner
}

// leaseTTL bounds one identification (a full scan of the largest file).
const leaseTTL = 10 * time.Minute

func (r *Runner) runner() *docjobs.Runner {
	r.once.Do(func() {
		r.jobs = docjobs.New(identification{r}, docjobs.Config{Kind: "format", Name: "format identification", Records: r.Records,
			Leases: r.Leases, LeaseTTL: leaseTTL, Holder: r.Holder, Logger: r.Logger, Metrics: r.Jobs, OnDone: r.OnIdentified})
		r.Jobs.Init("format")
	})
	return r.jobs
}

// Wake asks the runner to look for work now.
func (r *Runner) Wake() { r.runner().Wake() }

// Run identifies until ctx ends: at once, when woken, and every interval.
func (r *Runner) Run(ctx context.Context, every time.Duration) {
	j := r.runner()
	j.Every = every
	j.Run(ctx)
}

// RunOnce identifies every document that is due and returns how many.
func (r *Runner) RunOnce(ctx context.Context) (int, error) { return r.runner().RunOnce(ctx) }

// identification is PRONOM identification as a docjobs.Job.
type identification struct{ r *Runner }

func (identification) Due(d *models.Document, _ time.Time) bool {
	return d.Status == models.DocumentActive && d.Format == nil
}

// Do identifies doc's original, records the facts and the
// format_identified event.
func (j identification) Do(ctx context.Context, doc *models.Document) error {
	f, err := j.r.Stored.IdentifyStored(ctx, doc.File.Key, doc.File.Size, doc.File.OriginalFilename, 0)
	if err != nil {
		return err
	}
	if err := j.r.Records.SetFormat(ctx, doc.ID, f); err != nil {
		return err
	}
	return j.r.Records.AppendEvent(ctx, models.FormatIdentifiedEvent(doc.ID, "format-identification", f))
}
