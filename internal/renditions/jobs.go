// Package renditions makes the WebP renditions of crests stored before
// WebP existed: uploads since make them at ingest (media.CrestRenditions),
// this background job catches the older crests up.
package renditions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/internal/ingest"
	"github.com/jesenice/twincms/internal/media"
	"github.com/jesenice/twincms/models"
)

// The queue is the documents themselves, as for thumbnails and text: an
// active crest whose record has no WebP rendition is due, taken by one
// instance at a time under the lease "webp:<id>". So no migration step
// runs at start-up, and a restart loses nothing.

// Records are the document records as the job needs them
// (storage.Documents).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetRenditions(ctx context.Context, id string, rs []models.Rendition) error
}

// Objects reads originals and stores renditions.
type Objects interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
}

// Deps are what the job works with.
type Deps struct {
	Records Records
	Leases  docjobs.Leases
	Objects Objects
	Holder  string
	Logger  *slog.Logger
	Jobs    *docjobs.Metrics
	// Every is the pass interval besides wake-ups.
	Every time.Duration
}

// leaseTTL bounds how long a crashed runner's crest waits.
const leaseTTL = 5 * time.Minute

// New is the runner that makes the missing WebP renditions: the docjobs
// runner itself (Wake, Run, RunOnce) with this kind of work.
func New(d Deps) *docjobs.Runner {
	d.Jobs.Init("webp")
	return docjobs.New(&webpJob{d: d}, docjobs.Config{Kind: "webp", Name: "WebP renditions", Records: d.Records,
		Leases: d.Leases, LeaseTTL: leaseTTL, Holder: d.Holder, Logger: d.Logger, Metrics: d.Jobs, Every: d.Every})
}

// webpJob is the catching up as a docjobs.Job.
type webpJob struct {
	d Deps
	// settled are the crests worked on that still have no WebP rendition:
	// their original did not decode here (it did at upload, so this is
	// rare), or no WebP was smaller than its PNG. Not tried again until a
	// restart.
	settled sync.Map
}

// Due: an active crest in a web image format without a WebP rendition.
func (j *webpJob) Due(d *models.Document, _ time.Time) bool {
	if d.Status != models.DocumentActive || d.Kind != models.KindCrest || !models.IsWebImage(d.File.ContentType) {
		return false
	}
	if _, settled := j.settled.Load(d.ID); settled {
		return false
	}
	return !slices.ContainsFunc(d.Renditions, func(r models.Rendition) bool { return r.ContentType == models.TypeWebP })
}

// Do makes doc's renditions from its original again and records the WebP
// ones beside the PNGs it has (those are kept as they are: links to them
// stay good).
func (j *webpJob) Do(ctx context.Context, doc *models.Document) error {
	rc, _, err := j.d.Objects.Get(ctx, doc.File.Key)
	if err != nil {
		return err
	}
	made, err := media.CrestRenditions(rc, doc.File.ContentType)
	rc.Close()
	if err != nil {
		j.settled.Store(doc.ID, struct{}{})
		return fmt.Errorf("the crest does not decode: %w", err)
	}
	have := doc.Renditions
	if len(have) > 0 { // the PNGs are there: only the WebPs are made
		for i := range made {
			made[i].PNG = nil
		}
	}
	stored, err := ingest.StoreRenditions(ctx, j.d.Objects, doc.ID, made)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(stored, func(r models.Rendition) bool { return r.ContentType == models.TypeWebP }) {
		j.settled.Store(doc.ID, struct{}{})
		if len(have) > 0 {
			return nil // nothing new to record
		}
	}
	all := append(slices.Clone(have), stored...)
	if err := j.d.Records.SetRenditions(ctx, doc.ID, all); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return nil
}
