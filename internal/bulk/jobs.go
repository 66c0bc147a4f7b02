package bulk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// JobStore keeps ingest jobs so that any instance can report them.
// Errors: models.ErrNotFound; ErrStale from Update when the record is not
// at expected (UpdatedAt) any more; ErrUnavailable.
type JobStore interface {
	InsertIngest(ctx context.Context, j *models.IngestJob) error
	UpdateIngest(ctx context.Context, j *models.IngestJob, expected time.Time) error
	GetIngest(ctx context.Context, id string) (*models.IngestJob, error)
}

// Jobs runs bulk ingests of zipped bags received over HTTP, one at a time
// per instance (the others wait as queued), each in the background on the
// instance that received it. A job cut off by a shutdown is marked failed
// at once; one cut off by a crash is reported failed by whichever instance
// is asked about it once its record has not been touched for
// models.IngestStaleAfter. Failed jobs are not resumed automatically (the
// bag was a temporary file of the instance that stopped): submitting the
// bag again resumes it, since what is already stored is skipped.
type Jobs struct {
	Store  JobStore
	Runner *Runner
	NewID  func() string
	// MaxBytes bounds a bag's zip.
	MaxBytes int64
	// MaxQueuedBytes bounds the bags kept in TempDir until their jobs end
	// (waiting or running); ≤ 0: no bound.
	MaxQueuedBytes int64
	// Limits bound what a bag expands to while its job reads it.
	Limits Limits
	// Workers is each job's parallelism.
	Workers int
	// TempDir holds the bags while their jobs run ("" is the system's).
	TempDir string
	Logger  *slog.Logger

	once    sync.Once
	turn    chan struct{} // one job runs at a time
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
	running sync.WaitGroup
	queued  budget
}

func (j *Jobs) init() {
	j.once.Do(func() {
		j.turn = make(chan struct{}, 1)
		j.cancels = map[string]context.CancelFunc{}
		j.queued.max = j.MaxQueuedBytes
	})
}

// Submit streams a zipped bag from body (declared bytes long, < 0 when
// unknown) to a temporary file (at most MaxBytes), checks that it is a
// zip holding a bag with safe entry names, records a queued job and
// starts it in the background. The bag's bytes count against
// MaxQueuedBytes from before the first byte is kept until its job ends;
// a bag that does not fit is refused before its body is read (when its
// length is declared) or as soon as it stops fitting. The job outlives
// the request: it runs on a context that keeps ctx's values (actor,
// request id) without its deadline, until it ends or Close. Errors:
// models.ErrTooLarge, ErrMalformed (not a zip, a body cut short),
// ErrInvalid (no bag, unsafe entry names: field problems per entry),
// *QueueFullError (503), ErrInsufficientStorage (the temp dir's disk is
// full). On error nothing is kept.
func (j *Jobs) Submit(ctx context.Context, body io.Reader, declared int64) (*models.IngestJob, error) {
	j.init()
	limit := j.MaxBytes
	if j.MaxQueuedBytes > 0 && j.MaxQueuedBytes < limit {
		limit = j.MaxQueuedBytes // a bag the queue can never hold
	}
	if declared > limit {
		return nil, fmt.Errorf("%w: the bag is over the limit of %d bytes", models.ErrTooLarge, limit)
	}
	sp := &spool{budget: &j.queued}
	if declared > 0 {
		if !j.queued.take(declared) {
			return nil, &QueueFullError{limit: j.queued.max}
		}
		sp.held = declared
	}
	keep := false
	defer func() {
		if !keep {
			j.queued.give(sp.held)
		}
	}()
	tmp, err := os.CreateTemp(j.TempDir, "twincms-ingest-*.zip")
	if err != nil {
		return nil, diskError(err)
	}
	defer func() {
		if !keep {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	sp.f = tmp
	n, err := io.Copy(sp, io.LimitReader(body, limit+1))
	sp.settle()
	switch {
	case sp.err != nil:
		return nil, sp.err
	case errors.Is(err, models.ErrMalformed):
		return nil, err
	case err != nil:
		return nil, models.Hide(models.ErrMalformed, "the bag could not be received whole", err)
	case n > limit:
		return nil, fmt.Errorf("%w: the bag is over the limit of %d bytes", models.ErrTooLarge, limit)
	}
	src, err := OpenZip(tmp, n, j.Limits)
	var refused *BagError
	if errors.As(err, &refused) {
		return nil, refused.Invalid()
	} else if err != nil {
		return nil, err
	}
	now := models.Now()
	job := &models.IngestJob{ID: j.NewID(), Status: models.IngestQueued, Errors: []models.IngestError{},
		CreatedAt: now, CreatedBy: models.ActorFrom(ctx).Ref(), UpdatedAt: now}
	if err := j.Store.InsertIngest(ctx, job); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j.mu.Lock()
	j.cancels[job.ID] = cancel
	j.mu.Unlock()
	j.running.Add(1)
	keep = true
	go func() {
		defer j.running.Done()
		defer cancel()
		defer func() { _ = tmp.Close(); _ = os.Remove(tmp.Name()); j.queued.give(sp.held) }()
		cp := *job
		j.run(runCtx, &cp, src)
		j.mu.Lock()
		delete(j.cancels, job.ID)
		j.mu.Unlock()
	}()
	return job, nil
}

// Get returns a job, reporting one whose instance stopped as failed.
func (j *Jobs) Get(ctx context.Context, id string) (*models.IngestJob, error) {
	job, err := j.Store.GetIngest(ctx, id)
	if err != nil || job.Status.Finished() || time.Since(job.UpdatedAt) < models.IngestStaleAfter {
		return job, err
	}
	prev := job.UpdatedAt
	job.Status = models.IngestFailed
	job.Errors = appendError(job.Errors, models.IngestError{Reason: "interrupted: the instance running the job stopped; submit the bag again to store the rest (what is stored is skipped)"})
	job.UpdatedAt = models.Now()
	if err := j.Store.UpdateIngest(ctx, job, prev); errors.Is(err, models.ErrStale) {
		return j.Store.GetIngest(ctx, id) // it moved after all
	} else if err != nil {
		return nil, err
	}
	return job, nil
}

// Close cancels the running jobs, which record themselves as failed, and
// waits for them.
func (j *Jobs) Close() {
	j.init()
	j.mu.Lock()
	for _, cancel := range j.cancels {
		cancel()
	}
	j.mu.Unlock()
	j.running.Wait()
}

// run waits for its turn, runs the ingest and keeps the record current.
func (j *Jobs) run(ctx context.Context, job *models.IngestJob, src *Source) {
	defer src.Close()
	rec := &jobRecord{jobs: j, job: job}
	beat := time.NewTicker(models.IngestHeartbeat)
	defer beat.Stop()
	waiting := true
	for waiting {
		select {
		case j.turn <- struct{}{}:
			waiting = false
		case <-beat.C:
			rec.save(ctx, nil) // still queued, still alive
		case <-ctx.Done():
			rec.finish(ctx, models.IngestFailed, nil, "interrupted: the service shut down before the job started; submit the bag again")
			return
		}
	}
	defer func() { <-j.turn }()
	rec.save(ctx, func(jb *models.IngestJob) { jb.Status = models.IngestVerifying })
	stop, saverDone := make(chan struct{}), make(chan struct{})
	go func() { defer close(saverDone); rec.keepSaving(ctx, stop) }()
	sum, err := j.Runner.Run(ctx, src, Options{Workers: j.Workers, Progress: rec.progress})
	close(stop)
	<-saverDone // no progress write may land after the final one
	var bagErr *BagError
	switch {
	case errors.As(err, &bagErr):
		rec.finish(ctx, models.IngestFailed, &sum, "", bagErr.Problems...)
	case ctx.Err() != nil:
		rec.finish(ctx, models.IngestFailed, &sum, "interrupted: the service shut down; submit the bag again to store the rest (what is stored is skipped)")
	case err != nil:
		rec.finish(ctx, models.IngestFailed, &sum, "", *j.Runner.reason("", err))
	default:
		rec.finish(ctx, models.IngestDone, &sum, "")
	}
}

func appendError(list []models.IngestError, more ...models.IngestError) []models.IngestError {
	for _, e := range more {
		if len(list) >= models.MaxIngestErrors {
			break
		}
		list = append(list, e)
	}
	return list
}
