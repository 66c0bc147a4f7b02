// Package bulk ingests a digitized collection at once: a folder, or a
// BagIt bag (directory or zip), with an optional CSV of metadata. A bag's
// manifests are verified before anything is stored. Every file goes
// through the same ingest service and the same description rules as an
// upload through the API; a re-run skips what is already stored (by
// SHA-256), so an interrupted run is resumed by running it again. Both
// the `twincms ingest` command and the archive's ingest jobs run it.
package bulk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// Ingester is the ingest service, called as the API's upload calls it:
// CheckInput applies the description rules (models.ErrInvalid with field
// problems); Ingest stores one file as a document created by the actor
// ctx carries, and tells the change hooks. Errors: a duplicate unwraps to
// models.ErrConflict and names the document (DuplicateOf).
type Ingester interface {
	CheckInput(ctx context.Context, in models.DocumentInput) error
	Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput) (*models.Document, error)
}

// Documents finds stored documents by their bytes. Errors: models.ErrNotFound.
type Documents interface {
	BySHA256(ctx context.Context, sum string) (*models.Document, error)
	// All returns every record: read once per run, so the skip check of
	// a file costs no query (on the embedded store, a query per file
	// costs time in proportion to the whole store).
	All(ctx context.Context) ([]*models.Document, error)
}

// Partnerships finds a partnership by slug. Errors: models.ErrNotFound.
type Partnerships interface {
	GetByKey(ctx context.Context, slug string) (*models.Partnership, error)
}

// Runner runs bulk ingests.
type Runner struct {
	Ingest       Ingester
	Documents    Documents
	Partnerships Partnerships
	Locales      models.Locales
	Logger       *slog.Logger
}

// DefaultWorkers is how many files are ingested at once unless told.
const DefaultWorkers = 4

// Phase is what a run is doing.
type Phase string

// Phases of a run.
const (
	PhaseVerifying Phase = "verifying"
	PhaseIngesting Phase = "ingesting"
)

// Options are one run's settings.
type Options struct {
	// Metadata is the parsed CSV, or nil.
	Metadata *Metadata
	// Workers is how many files are hashed and ingested at once (≥ 1).
	Workers int
	// Progress, when set, hears the counts after every file. It is called
	// from the workers, one call at a time.
	Progress func(Progress)
}

// Progress is a run's state while it runs.
type Progress struct {
	Phase Phase
	// Files done of Total: hashed while verifying, stored, skipped or
	// failed while ingesting.
	Done, Total              int
	Stored, Skipped, Failed  int
	BytesDone, BytesTotal    int64
	StoredBytes              int64
	Elapsed, PhaseElapsed    time.Duration
	phaseStarted, runStarted time.Time
}

// Summary is what a run did.
type Summary struct {
	Total   int
	Stored  int
	Skipped int
	Failed  int
	// Bytes is the size of the files stored.
	Bytes   int64
	Elapsed time.Duration
	// Failures name every file not stored and why, then the metadata rows
	// that describe no file.
	Failures []models.IngestError
	// Skips name the files already stored and the document holding them.
	Skips []Skip
	// Interrupted: the run was cancelled; what was not stored yet is
	// stored by running it again.
	Interrupted bool
}

// Skip is a file whose bytes are already stored.
type Skip struct {
	File        string
	DuplicateOf string
}

// Rate is documents stored per second.
func (s Summary) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Stored) / s.Elapsed.Seconds()
}

// OK reports whether every file was stored or already there.
func (s Summary) OK() bool { return s.Failed == 0 && len(s.Failures) == 0 && !s.Interrupted }

// Run ingests src as the actor ctx carries (models.WithActor). A bag that fails verification returns a *BagError and
// stores nothing. A cancelled ctx stops the run between files (a file
// being stored is abandoned whole): the summary says what was done and
// the error is ctx's.
func (r *Runner) Run(ctx context.Context, src *Source, opt Options) (Summary, error) {
	if opt.Workers < 1 {
		opt.Workers = DefaultWorkers
	}
	t := &tally{opt: opt, p: Progress{runStarted: time.Now()}}
	hashFailures, err := r.measure(ctx, src, t)
	if err != nil {
		return t.summary(), err
	}
	pl := &planner{parts: r.Partnerships, check: r.Ingest.CheckInput, locales: r.Locales, slugs: map[string]string{}}
	tasks, orphans, err := pl.plan(ctx, src, opt.Metadata)
	if err != nil {
		return t.summary(), err
	}
	have, err := r.storedChecksums(ctx)
	if err != nil {
		return t.summary(), err
	}
	t.begin(PhaseIngesting, src.Files)
	for _, f := range hashFailures {
		t.failed(f)
	}
	// The same bytes twice in one source: the later copies wait for a
	// second round, by when the first is stored and they are skipped.
	var first, again []task
	seen := map[string]bool{}
	for _, tk := range tasks {
		switch {
		case hashFailures[tk.file.Path] != nil:
		case seen[tk.file.SHA256]:
			again = append(again, tk)
		default:
			seen[tk.file.SHA256] = true
			first = append(first, tk)
		}
	}
	for _, round := range [][]task{first, again} {
		if err = forEach(ctx, len(round), opt.Workers, func(i int) { r.one(ctx, src, round[i], have, t) }); err != nil {
			break
		}
	}
	s := t.summary()
	s.Failures = append(s.Failures, orphans...)
	if err != nil {
		s.Interrupted = true
		return s, err
	}
	return s, nil
}

// measure verifies a bag, or hashes a folder's files, before anything is
// stored. Folder files that cannot be read come back as failures.
func (r *Runner) measure(ctx context.Context, src *Source, t *tally) (map[string]*models.IngestError, error) {
	failures := map[string]*models.IngestError{}
	if src.Bag {
		files, err := verifyBag(ctx, src.FS, t.opt.Workers, t)
		if err != nil {
			return nil, err
		}
		src.Files = files
		return failures, nil
	}
	t.begin(PhaseVerifying, src.Files)
	var mu sync.Mutex
	err := forEach(ctx, len(src.Files), t.opt.Workers, func(i int) {
		f := &src.Files[i]
		sums, n, err := hashFile(src.FS, f.Path, nil)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			failures[f.Path] = &models.IngestError{File: f.Path, Reason: "cannot be read"}
		} else {
			f.SHA256, f.Size = sums["sha256"], n
		}
		t.hashed(n)
	})
	return failures, err
}

// storedChecksums maps the SHA-256 of every stored document (withdrawn
// ones too: their bytes are kept) to its id.
func (r *Runner) storedChecksums(ctx context.Context) (map[string]string, error) {
	all, err := r.Documents.All(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(all))
	for _, d := range all {
		out[d.File.SHA256] = d.ID
	}
	return out, nil
}

// one ingests one file. Once begun, a file is finished even when ctx is
// cancelled meanwhile: an interrupted run then leaves no half-ingested
// file (whose checksum claim would hold its bytes for a while) behind.
func (r *Runner) one(ctx context.Context, src *Source, tk task, have map[string]string, t *tally) {
	f := tk.file
	if ctx.Err() != nil {
		return // not attempted: a re-run stores it
	}
	ctx = context.WithoutCancel(ctx)
	if tk.problem != "" {
		t.failed(&models.IngestError{File: f.Path, Reason: tk.problem})
		return
	}
	name := models.CleanFilename(f.name())
	if name == "" {
		t.failed(&models.IngestError{File: f.Path, Reason: "the file name is not acceptable (a leading dot, control characters or over 255 bytes)"})
		return
	}
	if id, ok := have[f.SHA256]; ok {
		t.skipped(f.Path, id)
		return
	}
	doc, err := r.store(ctx, src, f, name, tk.input)
	var dup interface{ DuplicateOf() string }
	switch {
	case err == nil:
		t.stored(doc.File.Size)
	case errors.As(err, &dup):
		// Stored meanwhile (the same bytes twice in one bag, another
		// ingest), or claimed by an ingest that has no record yet.
		if d, derr := r.Documents.BySHA256(ctx, f.SHA256); derr == nil {
			t.skipped(f.Path, d.ID)
			return
		}
		t.failed(&models.IngestError{File: f.Path, Reason: fmt.Sprintf("these bytes are being ingested as document %s, which has no record yet (another ingest, or one cut off: then they are free again within %s); run again to store it", dup.DuplicateOf(), claimWait)})
	default:
		t.failed(r.reason(f.Path, err))
	}
}

// retries are the pauses before storing a file again after the store
// was unavailable (a busy embedded store, a MinIO node restarting): a
// bulk run rides out what a single upload would answer 503 to.
var retries = []time.Duration{time.Second, 3 * time.Second}

// store ingests one file, again after a pause while the store is
// unavailable (the ingest service leaves nothing behind a failed try).
func (r *Runner) store(ctx context.Context, src *Source, f File, name string, in models.DocumentInput) (*models.Document, error) {
	for attempt := 0; ; attempt++ {
		body, err := src.open(f)
		if err != nil {
			return nil, fmt.Errorf("%w: cannot be read", models.ErrInvalid)
		}
		doc, err := r.Ingest.Ingest(ctx, models.IncomingFile{Body: &checkedReader{r: body, h: sha256.New(), want: f.SHA256, size: f.Size}, Filename: name}, in)
		body.Close()
		if err == nil || !errors.Is(err, models.ErrUnavailable) || attempt == len(retries) {
			return doc, err
		}
		time.Sleep(retries[attempt])
	}
}

// claimWait is how long a checksum claim left by a cut-off ingest blocks
// its bytes (ingest.ClaimStale).
const claimWait = "10 minutes"

// reason is a failure as the archivist may read it: our own messages and
// field problems, never a driver's text (that goes to the log).
func (r *Runner) reason(file string, err error) *models.IngestError {
	var ve *models.ValidationError
	var hidden interface{ PublicDetail() string }
	msg := ""
	switch {
	case errors.As(err, &ve):
		for i, p := range ve.Problems {
			if i > 0 {
				msg += "; "
			}
			msg += columnOf(p.Field) + ": " + p.Problem
		}
	case errors.Is(err, models.ErrUnavailable):
		msg = "the database or object store is unavailable; run again to store the rest"
	case errors.Is(err, models.ErrInsufficientStorage):
		msg = "the storage is full"
	case errors.As(err, &hidden):
		msg = hidden.PublicDetail()
	case errors.Is(err, errChanged):
		msg = errChanged.Error()
	}
	for _, kind := range []error{models.ErrUnsupportedType, models.ErrTooLarge, models.ErrInvalid, models.ErrMalformed, models.ErrConflict} {
		if msg == "" && errors.Is(err, kind) {
			msg = err.Error()
		}
	}
	if msg == "" {
		msg = "internal error (see the server log)"
	}
	if r.Logger != nil {
		r.Logger.Warn("bulk ingest: file not stored", "file", file, "err", err)
	}
	return &models.IngestError{File: file, Reason: msg}
}

// errChanged: the bytes read for storing are not those verified.
var errChanged = fmt.Errorf("%w: the file changed after it was verified; nothing of it was stored", models.ErrConflict)

// checkedReader passes a file through and, at its end, fails unless the
// bytes are the ones verified (same size and SHA-256). A failed read fails
// the object store's upload, so a file changed between verification and
// storing is never stored.
type checkedReader struct {
	r    io.Reader
	h    hash.Hash
	n    int64
	want string
	size int64
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if errors.Is(err, io.EOF) && (c.n != c.size || hex.EncodeToString(c.h.Sum(nil)) != c.want) {
		return n, errChanged
	}
	return n, err
}

// forEach runs fn(0..n-1) on workers goroutines and stops handing out
// work once ctx is done (returning its error).
func forEach(ctx context.Context, n, workers int, fn func(i int)) error {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		case next <- i:
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return err
}
