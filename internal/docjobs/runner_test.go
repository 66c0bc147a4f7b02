package docjobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/docjobs"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// instance is one twincms process as the runner sees it: its own
// connection, repositories and holder name, on a shared database.
type instance struct {
	docs   *storage.Documents
	leases *storage.Leases
	holder string
}

// realStore starts an embedded FerretDB and returns an opener of
// instances on one database, with n active documents stored.
func realStore(t *testing.T, n int) (func(holder string) instance, []string) {
	t.Helper()
	ctx := context.Background()
	e, err := embedded.StartDB(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	open := func(holder string) instance {
		db, err := storage.OpenDB(ctx, e.URI(), "docjobs_test")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close(context.WithoutCancel(ctx)) })
		docs, err := storage.NewDocuments(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return instance{docs: docs, leases: storage.NewLeases(db), holder: holder}
	}
	first := open("seed")
	var ids []string
	for i := range n {
		id := storage.NewDocumentID()
		doc := &models.Document{ID: id, Kind: models.KindCharter, Title: models.Localized{"sl": fmt.Sprintf("Listina %d", i)},
			PartnershipIDs: []string{}, Renditions: []models.Rendition{}, Status: models.DocumentActive, Version: 1,
			CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC(),
			File: models.FileFacts{Key: "originals/" + id, SHA256: fmt.Sprintf("%064d", i), Size: 1, ContentType: models.TypePDF}}
		if err := first.docs.Insert(ctx, doc, models.Event{ID: "ingest-" + id, DocumentID: id, Type: models.EventIngested, At: models.Now()}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return open, ids
}

// marking is a job that records format facts (what makes a document no
// longer due) and counts how often each document was worked on; fail
// names documents whose work fails, slow how long each takes.
type marking struct {
	docs  *storage.Documents
	runs  *sync.Map // id → *atomic.Int32
	fail  map[string]bool
	slow  time.Duration
	after func(n int) // told the running total after each document
	total *atomic.Int32
}

func (m marking) Due(d *models.Document, _ time.Time) bool {
	return d.Status == models.DocumentActive && d.Format == nil
}

func (m marking) Do(ctx context.Context, d *models.Document) error {
	c, _ := m.runs.LoadOrStore(d.ID, new(atomic.Int32))
	c.(*atomic.Int32).Add(1)
	time.Sleep(m.slow)
	if m.fail[d.ID] {
		return errors.New("this file cannot be read")
	}
	if err := m.docs.SetFormat(ctx, d.ID, &models.FormatFacts{PUID: "fmt/276", Name: "Acrobat PDF 1.7"}); err != nil {
		return err
	}
	if m.after != nil {
		m.after(int(m.total.Add(1)))
	}
	return nil
}

func newRunner(in instance, job docjobs.Job, m *docjobs.Metrics) *docjobs.Runner {
	return docjobs.New(job, docjobs.Config{Kind: "test", Name: "test work", Records: in.docs, Leases: in.leases,
		LeaseTTL: time.Minute, Holder: in.holder, Logger: slog.New(slog.DiscardHandler), Metrics: m})
}

// Two instances pass over the same queue at once: every document is
// worked on exactly once, by one of them.
func TestTwoInstancesWorkOnEachDocumentOnce(t *testing.T) {
	open, ids := realStore(t, 12)
	runs := &sync.Map{}
	total := &atomic.Int32{}
	var wg sync.WaitGroup
	done := make([]int, 2)
	for i, holder := range []string{"instance-a", "instance-b"} {
		in := open(holder)
		r := newRunner(in, marking{docs: in.docs, runs: runs, slow: 20 * time.Millisecond, total: total}, nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := r.RunOnce(t.Context())
			if err != nil {
				t.Error(err)
			}
			done[i] = n
		}()
	}
	wg.Wait()
	for _, id := range ids {
		c, ok := runs.Load(id)
		if !ok || c.(*atomic.Int32).Load() != 1 {
			t.Errorf("document %s worked on %v times, want 1", id, c)
		}
	}
	if done[0]+done[1] != len(ids) || done[0] == 0 || done[1] == 0 {
		t.Errorf("instances did %v, want %d in all shared by both", done, len(ids))
	}
}

// An instance stopped in the middle of a pass (a restart) leaves the rest
// of the queue in the records: the next runner does exactly that rest,
// and what the first finished is not done again.
func TestARestartResumesTheQueue(t *testing.T) {
	open, ids := realStore(t, 8)
	runs := &sync.Map{}
	total := &atomic.Int32{}
	in := open("before-restart")
	ctx, stop := context.WithCancel(t.Context())
	first := newRunner(in, marking{docs: in.docs, runs: runs, total: total, after: func(n int) {
		if n == 3 {
			stop()
		}
	}}, nil)
	n, err := first.RunOnce(ctx)
	if err != nil || n != 3 {
		t.Fatalf("first runner did %d (%v), want 3 before its stop", n, err)
	}
	in2 := open("after-restart")
	second := newRunner(in2, marking{docs: in2.docs, runs: runs, total: total}, nil)
	if n, err := second.RunOnce(t.Context()); err != nil || n != len(ids)-3 {
		t.Fatalf("the restarted runner did %d (%v), want %d", n, err, len(ids)-3)
	}
	for _, id := range ids {
		if c, _ := runs.Load(id); c == nil || c.(*atomic.Int32).Load() != 1 {
			t.Errorf("document %s worked on %v times, want 1", id, c)
		}
	}
	if n, _ := second.RunOnce(t.Context()); n != 0 {
		t.Errorf("a pass over a finished queue did %d", n)
	}
}

// One document's failure is counted in the metrics and does not hold up
// the others; it stays due for a later pass.
func TestAFailureIsCountedAndTheOthersGoOn(t *testing.T) {
	open, ids := realStore(t, 4)
	in := open("solo")
	reg := prometheus.NewRegistry()
	m, err := docjobs.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	m.Init("test")
	job := marking{docs: in.docs, runs: &sync.Map{}, total: &atomic.Int32{}, fail: map[string]bool{ids[1]: true}}
	r := newRunner(in, job, m)
	if n, err := r.RunOnce(t.Context()); err != nil || n != 3 {
		t.Fatalf("did %d (%v), want 3", n, err)
	}
	got := map[string]float64{}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, s := range f.GetMetric() {
			key := f.GetName()
			for _, l := range s.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			got[key] = s.GetCounter().GetValue() + s.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"twincms_document_jobs_total,kind=test,outcome=done": 3, "twincms_document_jobs_total,kind=test,outcome=failed": 1,
		"twincms_document_jobs_total,kind=test,outcome=unavailable": 0, "twincms_document_jobs_due,kind=test": 0,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("metrics %v, want %v", got, want)
	}
	d, err := in.docs.Get(t.Context(), ids[1])
	if err != nil || !job.Due(d, time.Now()) {
		t.Errorf("the failed document is not due again (%v)", err)
	}
}
