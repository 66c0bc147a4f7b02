// Package a11y keeps what twincms owes under the Slovenian accessibility
// law (ZDSMA, EN 301 549): the accessibility facts of every stored PDF
// (read in the background by Checker) and the accessibility statement
// generated from them and the editor's words (Statement).
package a11y

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/internal/pdffacts"
	"github.com/jesenice/twincms/models"
)

// Documents are the records the checker reads and annotates
// (storage.Documents). Errors: models.ErrNotFound, ErrUnavailable.
type Documents interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetAccessibility(ctx context.Context, id string, facts *models.AccessibilityFacts) error
}

// Objects streams a stored original (objectstore.Store).
type Objects interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
}

// Inspector reads a PDF's facts (pdffacts.Inspector).
type Inspector interface {
	Available() bool
	Inspect(ctx context.Context, r io.Reader) (*models.AccessibilityFacts, error)
}

// Checker reads the accessibility facts of every PDF that has none yet,
// or facts of an older version of the checks: documents just ingested
// (the change hook wakes it) and, as the data migration for files stored
// before the checks existed, every older PDF. It is a job of the
// per-document runner (docjobs): the records are the queue, so a restart
// or a second instance loses nothing, and with Leases one instance at a
// time reads a file ("a11y:<id>"). It is a background job and not a step
// of internal/migrate: reading every stored PDF before the server starts
// would hold the start for as long as the archive is large.
type Checker struct {
	CheckerConfig

	jobs     *docjobs.Runner
	warnedNA atomic.Bool
}

// CheckerConfig are a checker's dependencies and settings.
type CheckerConfig struct {
	Documents Documents
	Objects   Objects
	Inspector Inspector
	Logger    *slog.Logger
	// Leases, when set, give one instance at a time a file.
	Leases docjobs.Leases
	Holder string
	// Jobs are the runners' shared metrics (nil: none).
	Jobs *docjobs.Metrics
	// Every is the pass interval besides wake-ups (0 = 1 min).
	Every time.Duration
}

// NewChecker returns a checker; call Run to start it.
func NewChecker(c CheckerConfig) *Checker {
	ch := &Checker{CheckerConfig: c}
	ch.jobs = docjobs.New(check{ch}, docjobs.Config{Kind: "a11y", Name: "accessibility check", Records: c.Documents,
		Leases: c.Leases, LeaseTTL: 10 * time.Minute, Holder: c.Holder, Logger: c.Logger, Metrics: c.Jobs, Every: c.Every})
	c.Jobs.Init("a11y")
	return ch
}

// Changed is a change hook: a new document wakes the checker.
func (c *Checker) Changed(_ context.Context, ch models.Change) {
	if ch.Resource == models.ResourceDocument && ch.Action == models.ActionCreate {
		c.Wake()
	}
}

// Wake asks for a pass now.
func (c *Checker) Wake() { c.jobs.Wake() }

// Checked is how many files this instance has read.
func (c *Checker) Checked() int64 { return c.jobs.Done() }

// Run passes over the records until ctx ends: at the start, when woken
// and every interval.
func (c *Checker) Run(ctx context.Context) { c.jobs.Run(ctx) }

// Pass reads the facts of every due document and returns how many it
// read. Without poppler's programs it reads none (and says so once).
func (c *Checker) Pass(ctx context.Context) (int, error) { return c.jobs.RunOnce(ctx) }

// Due tells whether d's facts are to be read.
func Due(d *models.Document) bool {
	return d.File.ContentType == models.TypePDF && (d.Accessibility == nil || d.Accessibility.Version < models.AccessibilityFactsVersion)
}

// check is the accessibility check as a docjobs.Job.
type check struct{ c *Checker }

func (check) Due(d *models.Document, _ time.Time) bool { return Due(d) }

// Survey skips the pass while poppler's programs are missing.
func (k check) Survey([]*models.Document, time.Time) bool {
	if k.c.Inspector.Available() {
		return true
	}
	if !k.c.warnedNA.Swap(true) && k.c.Logger != nil {
		k.c.Logger.Warn("accessibility check: poppler-utils (pdfinfo, pdftotext) are not installed; PDFs stay unchecked")
	}
	return false
}

// Do reads d's facts and records them.
func (k check) Do(ctx context.Context, d *models.Document) error {
	c := k.c
	rc, _, err := c.Objects.Get(ctx, d.File.Key)
	if errors.Is(err, models.ErrNotFound) {
		return nil // purged meanwhile, or an interrupted ingest
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	facts, err := c.Inspector.Inspect(ctx, rc)
	if err != nil {
		return err
	}
	if err := c.Documents.SetAccessibility(ctx, d.ID, facts); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return nil
}

// PopplerInspector is the inspector twincms uses (pdffacts).
func PopplerInspector(tempDir string) Inspector { return &pdffacts.Inspector{TempDir: tempDir} }
