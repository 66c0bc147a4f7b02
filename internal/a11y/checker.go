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

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/internal/pdffacts"
	"github.com/jesenice/twincms/models"
)

// Documents are the records the checker reads and annotates
// (storage.Documents). Errors: models.ErrNotFound, ErrUnavailable.
type Documents interface {
	All(ctx context.Context) ([]*models.Document, error)
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
// before the checks existed, every older PDF. The records are the queue,
// so a restart or a second instance loses nothing; two instances that
// read one file at once write the same facts. It is a background job and
// not a step of internal/migrate: reading every stored PDF before the
// server starts would hold the start for as long as the archive is large.
type Checker struct {
	CheckerConfig

	wake     chan struct{}
	checked  atomic.Int64
	warnedNA atomic.Bool
}

// CheckerConfig are a checker's dependencies and settings.
type CheckerConfig struct {
	Documents Documents
	Objects   Objects
	Inspector Inspector
	Logger    *slog.Logger
	// Every is the pass interval besides wake-ups (0 = 1 min).
	Every time.Duration
}

// NewChecker returns a checker; call Run to start it.
func NewChecker(c CheckerConfig) *Checker {
	return &Checker{CheckerConfig: c, wake: make(chan struct{}, 1)}
}

// Changed is a change hook: a new document wakes the checker.
func (c *Checker) Changed(_ context.Context, ch models.Change) {
	if ch.Resource == models.ResourceDocument && ch.Action == models.ActionCreate {
		c.Wake()
	}
}

// Wake asks for a pass now.
func (c *Checker) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Checked is how many files this instance has read.
func (c *Checker) Checked() int64 { return c.checked.Load() }

// Run passes over the records until ctx ends: at the start, when woken
// and every interval.
func (c *Checker) Run(ctx context.Context) {
	every := c.Every
	if every <= 0 {
		every = time.Minute
	}
	loop.Every(ctx, every, func(ctx context.Context) error { _, err := c.Pass(ctx); return err }, c.Logger,
		loop.Name("accessibility check"), loop.Immediately(), loop.Wake(c.wake), loop.Jitter(0.2), loop.Retry(5*time.Second, every))
}

// Due tells whether d's facts are to be read.
func Due(d *models.Document) bool {
	return d.File.ContentType == models.TypePDF && (d.Accessibility == nil || d.Accessibility.Version < models.AccessibilityFactsVersion)
}

// Pass reads the facts of every due document and returns how many it
// read. Without poppler's programs it reads none (and says so once).
func (c *Checker) Pass(ctx context.Context) (int, error) {
	if !c.Inspector.Available() {
		if !c.warnedNA.Swap(true) && c.Logger != nil {
			c.Logger.Warn("accessibility check: poppler-utils (pdfinfo, pdftotext) are not installed; PDFs stay unchecked")
		}
		return 0, nil
	}
	docs, err := c.Documents.All(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range docs {
		if !Due(d) {
			continue
		}
		if err := c.check(ctx, d); err != nil {
			if ctx.Err() != nil || errors.Is(err, models.ErrUnavailable) {
				return n, err
			}
			// One file's failure (a read cut off, a program's deadline)
			// does not hold up the others; the next pass tries it again.
			if c.Logger != nil {
				c.Logger.Warn("accessibility check of a document failed", "document", d.ID, "err", err)
			}
			continue
		}
		n++
	}
	return n, nil
}

func (c *Checker) check(ctx context.Context, d *models.Document) error {
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
	c.checked.Add(1)
	return nil
}

// PopplerInspector is the inspector twincms uses (pdffacts).
func PopplerInspector(tempDir string) Inspector { return &pdffacts.Inspector{TempDir: tempDir} }
