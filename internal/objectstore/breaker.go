package objectstore

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/models"
)

// breakerOpen is how long the object store is taken as down after a call
// found it down (refused, reset, stalled, 5xx). Meanwhile calls fail at
// once instead of each waiting out its own stall timeout: a failed upload's
// clean-up, a page of links or a probe then cost nothing, and every request
// answers within one stall timeout of the failure. The first call after it
// reaches the store again, so recovery is seen within a second.
const breakerOpen = time.Second

// breaker remembers until when the store is taken as down.
type breaker struct {
	until atomic.Int64 // unix nanoseconds; 0: closed
}

// check fails fast while the breaker is open.
func (b *breaker) check() error {
	if u := b.until.Load(); u != 0 && time.Now().UnixNano() < u {
		return fmt.Errorf("%w: object store: failed less than %s ago", models.ErrUnavailable, breakerOpen)
	}
	return nil
}

// observe opens the breaker when err says the store is down.
func (b *breaker) observe(err error) error {
	if errors.Is(err, models.ErrUnavailable) {
		b.until.Store(time.Now().Add(breakerOpen).UnixNano())
	}
	return err
}

// sourceReader remembers an error of the caller's own reader (a client
// that went away, a body over the limit), so that it is not taken for a
// store failure: such an error is the caller's to classify.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && s.err == nil {
		s.err = err
	}
	return n, err
}
