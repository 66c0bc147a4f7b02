package objectstore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jesenice/twincms/models"
)

// A shutdown whose drain times out leaves uploads streaming: each holds a
// multipart upload in the store with up to 16 MiB per part already
// written. The sweeper would abort it, but only after its grace (2 h on a
// shared store, where it cannot tell another instance's upload in
// progress from a leftover). This process knows its own: the store keeps
// the multipart uploads it started and has not yet seen completed or
// aborted, and AbortUnfinished aborts them on the way out.

// unfinished are the multipart uploads this process started and has not
// yet seen completed or aborted, by upload id.
type unfinished struct {
	mu     sync.Mutex
	closed bool // AbortUnfinished ran: no new multipart upload
	open   map[string]openUpload
}

// openUpload is one unfinished multipart upload.
type openUpload struct {
	key string
	// cancel ends the put still sending it (a no-op once the put returned),
	// so no part lands after the abort.
	cancel context.CancelFunc
}

// errClosing refuses a multipart upload begun after AbortUnfinished.
var errClosing = fmt.Errorf("%w: object store: shutting down", models.ErrUnavailable)

// begin records a multipart upload just started; it fails once the store
// is closing (the caller then aborts the upload itself).
func (u *unfinished) begin(key, uploadID string, cancel context.CancelFunc) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return errClosing
	}
	if u.open == nil {
		u.open = map[string]openUpload{}
	}
	u.open[uploadID] = openUpload{key: key, cancel: cancel}
	return nil
}

// end forgets a multipart upload that was completed or aborted.
func (u *unfinished) end(uploadID string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.open, uploadID)
}

// close refuses new multipart uploads, stops the puts in progress and
// returns every unfinished upload.
func (u *unfinished) close() map[string]openUpload {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.closed = true
	out := make(map[string]openUpload, len(u.open))
	for id, o := range u.open {
		o.cancel()
		out[id] = o
	}
	return out
}

// AbortUnfinished is for the way out, after the requests were drained or
// their time ran out: it refuses new multipart uploads, stops the puts
// still streaming and aborts every multipart upload this process left
// unfinished (an upload cut by the drain's timeout, a failed one whose
// clean-up is still queued), so no part stays in the store until the
// sweeper's grace has passed. ctx bounds it. It returns how many it
// aborted; those it could not abort are left to the sweeper.
func (o *Store) AbortUnfinished(ctx context.Context) (int, error) {
	var errs []error
	n := 0
	for id, u := range o.unfinished.close() {
		if err := o.AbortUpload(ctx, u.key, id); err != nil {
			errs = append(errs, fmt.Errorf("abort the multipart upload of %s: %w", u.key, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
