package bulk

import (
	"context"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// jobRecord keeps a running job's record current: the counts at most once
// a second while they change, and a heartbeat (UpdatedAt) at least every
// models.IngestHeartbeat, so other instances can tell a running job from
// one whose instance stopped.
type jobRecord struct {
	jobs  *Jobs
	mu    sync.Mutex
	job   *models.IngestJob
	dirty bool
	saved time.Time
}

// progress takes a run's counts (called from the run's workers).
func (r *jobRecord) progress(p Progress) {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.job
	j.Status = models.IngestVerifying
	if p.Phase == PhaseIngesting {
		j.Status = models.IngestIngesting
	}
	j.Total, j.Stored, j.Skipped, j.Failed, j.Bytes = p.Total, p.Stored, p.Skipped, p.Failed, p.StoredBytes
	r.dirty = true
}

// keepSaving writes the record while the run runs, until stop: each
// second when progress was made, else as a heartbeat. A save under way
// when stop comes finishes (it uses ctx, not the loop's).
func (r *jobRecord) keepSaving(ctx context.Context, stop <-chan struct{}) {
	every, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-every.Done():
		}
	}()
	loop.Every(every, time.Second, func(context.Context) error {
		r.mu.Lock()
		due := r.dirty || time.Since(r.saved) >= models.IngestHeartbeat
		r.mu.Unlock()
		if due {
			r.save(ctx, nil)
		}
		return nil
	}, nil)
}

// save applies change (if any) and writes the record.
func (r *jobRecord) save(ctx context.Context, change func(*models.IngestJob)) {
	r.mu.Lock()
	if change != nil {
		change(r.job)
	}
	r.job.UpdatedAt = models.Now()
	cp := *r.job
	cp.Errors = append([]models.IngestError(nil), r.job.Errors...)
	r.dirty = false
	r.saved = time.Now()
	r.mu.Unlock()
	if err := r.jobs.Store.UpdateIngest(ctx, &cp, time.Time{}); err != nil && r.jobs.Logger != nil {
		r.jobs.Logger.Warn("ingest job: record not updated", "job", cp.ID, "err", err)
	}
}

// finish writes the final record: counts from sum, every failure, then
// problems and reason. It writes even when ctx was cancelled (a shutdown),
// within a few seconds.
func (r *jobRecord) finish(ctx context.Context, status models.IngestStatus, sum *Summary, reason string, problems ...models.IngestError) {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	r.save(wctx, func(j *models.IngestJob) {
		j.Status = status
		if sum != nil {
			j.Total, j.Stored, j.Skipped, j.Failed, j.Bytes = sum.Total, sum.Stored, sum.Skipped, sum.Failed, sum.Bytes
			j.Errors = appendError(j.Errors, sum.Failures...)
		}
		j.Errors = appendError(j.Errors, problems...)
		if reason != "" {
			j.Errors = appendError(j.Errors, models.IngestError{Reason: reason})
		}
	})
}
