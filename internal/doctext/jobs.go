package doctext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Runner extracts the text of every document that needs it, as a job of
// the per-document runner (docjobs: the records are the queue, one
// instance at a time works on a document under the lease "text:<id>").
type Runner struct {
	Records   Records
	Leases    docjobs.Leases
	Originals Originals
	Texts     Texts
	Tools     Tools
	// Languages are OCR's languages for a document without its own.
	Languages []string
	Holder    string
	Logger    *slog.Logger
	NewID     func() string
	Metrics   *Metrics
	// Jobs are the runners' shared metrics (nil: none).
	Jobs *docjobs.Metrics
	// OnText, when set, is told that a document's text facts changed (the
	// full-text index takes the text in at once).
	OnText func()

	once sync.Once
	jobs *docjobs.Runner
}

// Records are the document records as the runner needs them.
type Records interface {
	All(ctx context.Context) ([]*models.Document, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	SetText(ctx context.Context, id string, facts *models.TextFacts) error
	AppendEvent(ctx context.Context, ev models.Event) error
}

// Originals reads stored files.
type Originals interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
}

// leaseTTL bounds how long a crashed runner's document waits to be taken
// again; a running extraction renews nothing, so it is also the most one
// extraction may take.
const leaseTTL = 30 * time.Minute

// maxAttempts: after this many failures a document's text is failed
// until asked for again.
const maxAttempts = 3

func (r *Runner) runner() *docjobs.Runner {
	r.once.Do(func() {
		r.jobs = docjobs.New(extraction{r}, docjobs.Config{Kind: "text", Name: "text extraction", Records: r.Records,
			Leases: r.Leases, LeaseTTL: leaseTTL, Holder: r.Holder, Logger: r.Logger, Metrics: r.Jobs, OnDone: r.OnText})
		r.Jobs.Init("text")
	})
	return r.jobs
}

// Wake asks the runner to look for work now (a document was written).
func (r *Runner) Wake() { r.runner().Wake() }

// Run extracts until ctx ends: at once, when woken, and every interval.
func (r *Runner) Run(ctx context.Context, every time.Duration) {
	j := r.runner()
	j.Every = every
	j.Run(ctx)
}

// RunOnce extracts every document that is due, one after another.
func (r *Runner) RunOnce(ctx context.Context) error {
	_, err := r.runner().RunOnce(ctx)
	return err
}

// extraction is text extraction as a docjobs.Job.
type extraction struct{ r *Runner }

// Due tells whether doc's text must be read now.
func (e extraction) Due(doc *models.Document, now time.Time) bool {
	t := doc.Text
	switch {
	case doc.Status != models.DocumentActive:
		return false
	case t == nil:
		return true
	case t.Status == models.TextQueued:
		// A failed attempt waits a minute per attempt before the next.
		return now.Sub(t.UpdatedAt) >= time.Duration(t.Attempts)*time.Minute
	case t.Status == models.TextRunning:
		return now.Sub(t.UpdatedAt) > leaseTTL
	case t.Status == models.TextUnavailable:
		// OCR was installed since.
		return e.r.Tools.OCR() && e.r.Tools.PDFToText != ""
	}
	return false
}

// Survey updates the queue gauges.
func (e extraction) Survey(docs []*models.Document, _ time.Time) bool {
	counts := map[models.TextStatus]int{}
	for _, d := range docs {
		if d.Text != nil {
			counts[d.Text.Status]++
		} else if d.Status == models.DocumentActive {
			counts[models.TextQueued]++
		}
	}
	e.r.Metrics.setQueue(counts)
	return true
}

// Do extracts one document. Only a store that cannot be reached is
// returned (the loop backs off); a file that cannot be read is recorded
// on the document.
func (e extraction) Do(ctx context.Context, doc *models.Document) error {
	r, id := e.r, doc.ID
	attempts := 0
	if doc.Text != nil {
		attempts = doc.Text.Attempts
	}
	if err := r.Records.SetText(ctx, id, &models.TextFacts{Status: models.TextRunning, Attempts: attempts, UpdatedAt: time.Now().UTC()}); err != nil {
		return err
	}
	start := time.Now()
	res, err := r.read(ctx, doc)
	facts := &models.TextFacts{Attempts: attempts + 1, UpdatedAt: time.Now().UTC()}
	switch {
	case errors.Is(err, errUnavailable):
		facts.Status, facts.Error = models.TextUnavailable, strings.TrimPrefix(err.Error(), errUnavailable.Error()+": ")
	case errors.Is(err, models.ErrUnavailable), ctx.Err() != nil:
		// The store or a shutdown, not the file: back in the queue as it was.
		facts.Status, facts.Attempts = models.TextQueued, attempts
		_ = r.Records.SetText(context.WithoutCancel(ctx), id, facts)
		if err == nil {
			err = ctx.Err()
		}
		return err
	case err != nil:
		facts.Status, facts.Error = models.TextQueued, err.Error()
		if facts.Attempts >= maxAttempts {
			facts.Status = models.TextFailed
		}
	case strings.TrimSpace(res.text) == "":
		facts.Status, facts.Source, facts.Engine, facts.EngineVersion = models.TextNone, res.source, res.engine, res.version
		facts.Languages, facts.Pages = res.languages, res.pages
	default:
		key := models.TextKey(id)
		if _, err := r.Texts.Objects.Put(ctx, key, strings.NewReader(res.text), int64(len(res.text)), "text/plain; charset=utf-8",
			map[string]string{"document-id": id}); err != nil {
			_ = r.Records.SetText(context.WithoutCancel(ctx), id, &models.TextFacts{Status: models.TextQueued, Attempts: attempts, UpdatedAt: time.Now().UTC()})
			return err
		}
		facts.Status, facts.Source, facts.Engine, facts.EngineVersion = models.TextDone, res.source, res.engine, res.version
		facts.Languages, facts.Confidence, facts.Pages, facts.Chars, facts.Key = res.languages, res.confidence, res.pages, len([]rune(res.text)), key
	}
	if err := r.Records.SetText(ctx, id, facts); err != nil {
		return err
	}
	r.Metrics.done(facts, res.source, time.Since(start))
	if facts.Status == models.TextFailed || facts.Status == models.TextQueued && facts.Error != "" {
		r.Logger.Warn("text extraction failed", "document", id, "attempt", facts.Attempts, "err", facts.Error)
	}
	return nil
}

// read copies the original to a temporary file (the programs read
// files) and extracts its text.
func (r *Runner) read(ctx context.Context, doc *models.Document) (result, error) {
	if doc.Kind == models.KindCrest {
		return result{}, nil // a crest is a picture: no words to read
	}
	switch doc.File.ContentType {
	case models.TypePDF, models.TypePNG, models.TypeJPEG, models.TypeTIFF, models.TypeWebP:
	default:
		return result{}, nil
	}
	rc, _, err := r.Originals.Get(ctx, doc.File.Key)
	if err != nil {
		return result{}, err
	}
	defer rc.Close()
	f, err := os.CreateTemp("", "twincms-text-*")
	if err != nil {
		return result{}, fmt.Errorf("%w: temporary file: %v", models.ErrUnavailable, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, rc); err != nil {
		return result{}, fmt.Errorf("%w: reading the original: %v", models.ErrUnavailable, err)
	}
	if err := f.Close(); err != nil {
		return result{}, fmt.Errorf("%w: temporary file: %v", models.ErrUnavailable, err)
	}
	return r.Tools.extract(ctx, f.Name(), doc.File.ContentType, LanguagesFor(doc, r.Languages))
}

// Metrics are the extraction's Prometheus metrics.
type Metrics struct {
	jobs  *prometheus.CounterVec
	pages *prometheus.CounterVec
	secs  *prometheus.CounterVec
	queue *prometheus.GaugeVec
}

// NewMetrics registers the extraction metrics with reg (nil: none).
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "twincms_text_extractions_total",
			Help: "Text extractions finished by this instance, by outcome (done, none, failed, queued for a retry, unavailable)."}, []string{"outcome"}),
		pages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "twincms_text_pages_total",
			Help: "Pages whose text this instance read, by source (text-layer, ocr)."}, []string{"source"}),
		secs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "twincms_text_seconds_total",
			Help: "Time this instance spent extracting text, by source."}, []string{"source"}),
		queue: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "twincms_text_documents",
			Help: "Active documents by text extraction state (queued includes never extracted), as this instance last counted."}, []string{"status"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.jobs, m.pages, m.secs, m.queue} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

func (m *Metrics) done(f *models.TextFacts, source string, took time.Duration) {
	if m == nil {
		return
	}
	m.jobs.WithLabelValues(string(f.Status)).Inc()
	if source != "" {
		m.pages.WithLabelValues(source).Add(float64(f.Pages))
		m.secs.WithLabelValues(source).Add(took.Seconds())
	}
}

func (m *Metrics) setQueue(counts map[models.TextStatus]int) {
	if m == nil {
		return
	}
	for _, s := range []models.TextStatus{models.TextQueued, models.TextRunning, models.TextDone, models.TextNone, models.TextFailed, models.TextUnavailable} {
		m.queue.WithLabelValues(string(s)).Set(float64(counts[s]))
	}
}
