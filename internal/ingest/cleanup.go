package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/internal/media"
	"github.com/jesenice/twincms/models"
)

// A failed ingest must answer at once, so what it leaves (objects, an
// incomplete multipart upload, its checksum claim) is removed by one quick
// attempt at most, and only when the store is not the thing that failed;
// otherwise, or when that attempt fails, by a background loop that retries
// until done (CleanUpEvery). A restart loses the queue, not the work: the
// sweeper finds the same leftovers by listing.

// leftovers says what a failed ingest of one document may have left
// besides its objects and incomplete uploads.
type leftovers struct {
	claim       string // the SHA-256 it claimed, to release ("" none)
	recordTried bool   // its record was being written: it may have landed
}

// cleanupQueue holds documents whose leftovers are still to be removed.
type cleanupQueue struct {
	mu   sync.Mutex
	jobs map[string]leftovers // by document id
	wake chan struct{}
}

func (q *cleanupQueue) add(id string, lo leftovers) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.jobs == nil {
		q.jobs = map[string]leftovers{}
	}
	old := q.jobs[id]
	if lo.claim == "" {
		lo.claim = old.claim
	}
	lo.recordTried = lo.recordTried || old.recordTried
	q.jobs[id] = lo
	select {
	case q.signal() <- struct{}{}:
	default:
	}
}

// signal is the wake-up channel; q.mu is held.
func (q *cleanupQueue) signal() chan struct{} {
	if q.wake == nil {
		q.wake = make(chan struct{}, 1)
	}
	return q.wake
}

func (q *cleanupQueue) snapshot() map[string]leftovers {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]leftovers, len(q.jobs))
	for id, lo := range q.jobs {
		out[id] = lo
	}
	return out
}

// has reports whether document id's leftovers are queued: its ingest
// failed here and gave its claim up.
func (q *cleanupQueue) has(id string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.jobs[id]
	return ok
}

func (q *cleanupQueue) done(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.jobs, id)
}

// quickCleanup bounds the one attempt made inside a request.
const quickCleanup = 3 * time.Second

// discard removes what document id left behind after cause failed its
// ingest (cause nil: a purge). Never retries in the caller's time.
func (s *Service) discard(ctx context.Context, id string, lo leftovers, cause error) {
	if !errors.Is(cause, models.ErrUnavailable) && !errors.Is(cause, context.DeadlineExceeded) && !errors.Is(cause, context.Canceled) {
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), quickCleanup)
		err := s.cleanUp(qctx, id, lo)
		cancel()
		if err == nil {
			return
		}
	}
	s.cleanup.add(id, lo)
}

// PendingCleanups is the number of documents whose leftovers are queued.
func (s *Service) PendingCleanups() int { return len(s.cleanup.snapshot()) }

// cleanUp removes every object and incomplete upload of document id and
// releases its claim, unless a record for id exists after all (a write
// reported as failed that did land): then the document is real. Only that
// check needs the database, so objects go even while it is down.
func (s *Service) cleanUp(ctx context.Context, id string, lo leftovers) error {
	if s.held() {
		return errHeld
	}
	if lo.recordTried {
		if _, err := s.Records.Get(ctx, id); err == nil {
			return nil
		} else if !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	keys := []string{originalKey(id), models.TextKey(id), models.ThumbnailKey(id)}
	for _, size := range media.Sizes {
		keys = append(keys, renditionKey(id, fmt.Sprint(size)), renditionKey(id, media.WebPName(fmt.Sprint(size))))
	}
	for _, k := range keys {
		if err := s.Objects.Remove(ctx, k); err != nil {
			return err
		}
	}
	// The exact key: the one prefix that lists on MinIO as on versitygw.
	err := s.Objects.IncompleteUploads(ctx, originalKey(id), func(u models.IncompleteUpload) error {
		if u.Key != originalKey(id) {
			return nil
		}
		return s.Objects.AbortUpload(ctx, u.Key, u.UploadID)
	})
	if err != nil {
		return err
	}
	if lo.claim != "" {
		return s.Records.ReleaseClaim(ctx, lo.claim, id)
	}
	return nil
}

// CleanUpEvery works the clean-up queue until ctx ends: at once when work
// arrives, again with backoff (1 s doubling to 1 min) while some fails.
func (s *Service) CleanUpEvery(ctx context.Context) {
	s.cleanup.mu.Lock()
	wake := s.cleanup.signal()
	s.cleanup.mu.Unlock()
	// Each failure is logged by the work itself, per document.
	loop.Every(ctx, 0, s.cleanUpQueued, nil, loop.Wake(wake), loop.Retry(time.Second, time.Minute))
}

// cleanUpQueued tries every queued clean-up once; it fails if any did.
func (s *Service) cleanUpQueued(ctx context.Context) error {
	failed := 0
	for id, lo := range s.cleanup.snapshot() {
		if err := s.cleanUp(ctx, id, lo); err != nil {
			failed++
			if ctx.Err() == nil && !errors.Is(err, errHeld) {
				s.Logger.Warn("leftovers of a failed ingest not removed yet; will retry", "document", id, "err", err)
			}
			continue
		}
		s.cleanup.done(id)
	}
	if failed > 0 {
		return fmt.Errorf("%d clean-ups failed", failed)
	}
	return nil
}
