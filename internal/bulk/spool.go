package bulk

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/jesenice/twincms/models"
)

// Every queued job keeps its bag in the temp dir until it has run: the
// bytes kept are bounded, so parallel submissions cannot fill the disk.

// QueueRetryAfter is how long a client refused for a full queue is told
// to wait: about the time one job of a few hundred MiB takes.
const QueueRetryAfter = 60 * time.Second

// QueueFullError refuses a bag while the bags already kept fill the
// queue's budget (Jobs.MaxQueuedBytes): 503, with RetryAfter. Nothing of
// the bag is kept.
type QueueFullError struct{ limit int64 }

func (e *QueueFullError) Error() string {
	return fmt.Sprintf("%v: the bags waiting to be ingested fill the queue (%d bytes); submit this one again later", models.ErrUnavailable, e.limit)
}

// Unwrap makes a full queue a service unavailable for now.
func (e *QueueFullError) Unwrap() error { return models.ErrUnavailable }

// RetryAfter is how long to wait before submitting again.
func (e *QueueFullError) RetryAfter() time.Duration { return QueueRetryAfter }

// budget counts the bytes of the bags kept in the temp dir.
type budget struct {
	mu   sync.Mutex
	used int64
	max  int64 // ≤ 0: no bound
}

// take reserves n bytes, or reports false when they do not fit.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.max > 0 && b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

// give releases n bytes taken.
func (b *budget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// spool writes a bag to its temporary file, taking from the budget what it
// writes beyond what was taken already (held), so a body without a length
// is bounded while it arrives.
type spool struct {
	f       *os.File
	budget  *budget
	held    int64
	written int64
	err     error // why writing stopped: a full queue or a full disk
}

func (s *spool) Write(p []byte) (int, error) {
	if need := s.written + int64(len(p)) - s.held; need > 0 {
		if !s.budget.take(need) {
			s.err = &QueueFullError{limit: s.budget.max}
			return 0, s.err
		}
		s.held += need
	}
	n, err := s.f.Write(p)
	s.written += int64(n)
	if err != nil {
		s.err = diskError(err)
	}
	return n, s.err
}

// diskError is a failed write or creation of a temporary file: a full
// disk (or quota) is 507 and says so; anything else is internal.
func diskError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return models.Hide(models.ErrInsufficientStorage, "the temporary directory is full: the bag was not kept", err)
	}
	return fmt.Errorf("bag temp file: %w", err)
}

// settle gives back what was taken beyond the bytes written.
func (s *spool) settle() {
	if s.held > s.written {
		s.budget.give(s.held - s.written)
		s.held = s.written
	}
}
