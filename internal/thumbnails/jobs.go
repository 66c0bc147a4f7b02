package thumbnails

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/models"
)

// The queue is the documents themselves, as for text extraction and
// format identification: an active document this renderer makes a
// picture of and whose record has no thumbnail facts (one stored before
// thumbnails existed, or one just uploaded) is rendered in the
// background, by one instance at a time under the lease "thumbnail:<id>".
// So existing documents need no migration step, an upload never waits,
// and a server where poppler is installed later renders its PDFs then.

// Records are the document records as the runner needs them
// (storage.Documents).
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetThumbnail(ctx context.Context, id string, facts *models.ThumbnailFacts) error
}

// Runner makes the thumbnail of every document that needs one, as a job
// of the per-document runner (docjobs).
type Runner struct {
	Records  Records
	Leases   docjobs.Leases
	Objects  Objects
	Renderer Renderer
	Holder   string
	Logger   *slog.Logger
	// Jobs counts the runner's outcomes and queue (shared by every kind).
	Jobs *docjobs.Metrics
	// MaxBytes skips originals larger than this (0: no limit): a picture
	// is not worth copying gigabytes to a temporary file.
	MaxBytes int64

	once sync.Once
	jobs *docjobs.Runner
}

// Objects reads originals and stores thumbnails.
type Objects interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
}

// leaseTTL bounds how long a crashed runner's document waits.
const leaseTTL = 10 * time.Minute

// maxAttempts: after this many failures a document keeps its type icon.
const maxAttempts = 3

func (r *Runner) runner() *docjobs.Runner {
	r.once.Do(func() {
		r.jobs = docjobs.New(rendering{r}, docjobs.Config{Kind: "thumbnail", Name: "thumbnail rendering", Records: r.Records,
			Leases: r.Leases, LeaseTTL: leaseTTL, Holder: r.Holder, Logger: r.Logger, Metrics: r.Jobs})
		r.Jobs.Init("thumbnail")
	})
	return r.jobs
}

// Wake asks the runner to look for work now (a document was written).
func (r *Runner) Wake() { r.runner().Wake() }

// Run renders until ctx ends: at once, when woken, and every interval.
func (r *Runner) Run(ctx context.Context, every time.Duration) {
	j := r.runner()
	j.Every = every
	j.Run(ctx)
}

// RunOnce renders every document that is due and returns how many.
func (r *Runner) RunOnce(ctx context.Context) (int, error) { return r.runner().RunOnce(ctx) }

// rendering is thumbnail rendering as a docjobs.Job.
type rendering struct{ r *Runner }

// Due tells whether d's thumbnail must be made now.
func (j rendering) Due(d *models.Document, now time.Time) bool {
	r := j.r
	if d.Status != models.DocumentActive || !r.Renderer.Makes(d) || r.MaxBytes > 0 && d.File.Size > r.MaxBytes {
		return false
	}
	t := d.Thumbnail
	switch {
	case t == nil:
		return true
	case t.Status == models.ThumbnailFailed && t.Attempts < maxAttempts:
		// A failed attempt waits a minute per attempt before the next.
		return now.Sub(t.UpdatedAt) >= time.Duration(t.Attempts)*time.Minute
	}
	return false
}

// Do renders doc and records the outcome on it. A file that cannot be
// rendered is recorded as failed and returned (the runner counts it); a
// store that cannot be reached is returned unrecorded, tried again later.
func (j rendering) Do(ctx context.Context, doc *models.Document) error {
	r := j.r
	id := doc.ID
	attempts := 0
	if doc.Thumbnail != nil {
		attempts = doc.Thumbnail.Attempts
	}
	pic, err := r.render(ctx, doc)
	facts := &models.ThumbnailFacts{Attempts: attempts + 1, UpdatedAt: time.Now().UTC()}
	var failed error
	switch {
	case errors.Is(err, models.ErrUnavailable), ctx.Err() != nil:
		// The store or a shutdown, not the file: tried again later.
		if err == nil {
			err = ctx.Err()
		}
		return err
	case errors.Is(err, errNoPicture):
		facts.Status = models.ThumbnailNone
	case err != nil:
		facts.Status, facts.Error = models.ThumbnailFailed, err.Error()
		failed = fmt.Errorf("attempt %d: %w", facts.Attempts, err)
	default:
		key := models.ThumbnailKey(id)
		if _, err := r.Objects.Put(ctx, key, bytes.NewReader(pic.PNG), int64(len(pic.PNG)), "image/png",
			map[string]string{"document-id": id}); err != nil {
			return err
		}
		facts.Status, facts.Key, facts.Source = models.ThumbnailDone, key, pic.Source
		facts.Width, facts.Height, facts.Size, facts.SHA256 = pic.Width, pic.Height, int64(len(pic.PNG)), sum(pic.PNG)
	}
	if err := r.Records.SetThumbnail(ctx, id, facts); err != nil && !errors.Is(err, models.ErrNotFound) {
		return err
	}
	return failed
}

// render copies the original to a temporary file (pdftoppm reads files)
// and renders it.
func (r *Runner) render(ctx context.Context, doc *models.Document) (Picture, error) {
	rc, _, err := r.Objects.Get(ctx, doc.File.Key)
	if err != nil {
		return Picture{}, err
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "twincms-thumb-*")
	if err != nil {
		return Picture{}, fmt.Errorf("%w: temporary file: %v", models.ErrUnavailable, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, rc); err != nil {
		return Picture{}, fmt.Errorf("%w: reading the original: %v", models.ErrUnavailable, err)
	}
	if err := f.Close(); err != nil {
		return Picture{}, fmt.Errorf("%w: temporary file: %v", models.ErrUnavailable, err)
	}
	return r.Renderer.Render(ctx, f.Name(), doc.File.ContentType)
}
