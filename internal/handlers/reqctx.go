package handlers

import (
	"context"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// Deadlines of a request's context. JSON API calls touch a few records and
// must answer quickly or fail; streaming routes (uploads, originals, bags,
// fixity) move whole files and get long.
const (
	shortRequest = 10 * time.Second
	longRequest  = time.Hour
)

// withDeadline gives the request's context the request id (log lines of
// every layer below name it) and the route's deadline. fasthttp tells a handler
// nothing when its client goes away, so the context is cancelled:
//   - when the deadline passes;
//   - when the handler returns, unless a streamed response took the
//     cancel (streamBody);
//   - for such a stream, when fasthttp closes it: at its end, or as soon
//     as writing to a departed client fails.
//
// A client that leaves while an upload streams in is seen as a read error
// of the request body, which fails the ingest.
func withDeadline(d time.Duration) fiber.Handler {
	if d <= 0 {
		d = shortRequest
	}
	return func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(models.WithRequestID(c.UserContext(), requestID(c)), d)
		c.SetUserContext(ctx)
		owner := &streamCancel{cancel: cancel}
		c.Locals(streamCancelKey{}, owner)
		err := c.Next()
		if err != nil || !owner.taken {
			cancel()
		}
		return err
	}
}

type streamCancelKey struct{}

// streamCancel is the request context's cancel, until a stream takes it.
type streamCancel struct {
	cancel context.CancelFunc
	taken  bool
}

// streamBody sends r as the response body and hands it the request
// context's cancel, so the reads fasthttp makes after the handler returns
// still run under the request's context. (The stream is set once:
// fasthttp's SetBodyStream closes a stream it replaces.)
func streamBody(c *fiber.Ctx, r io.Reader, size int) {
	cancel := context.CancelFunc(func() {})
	if o, ok := c.Locals(streamCancelKey{}).(*streamCancel); ok {
		o.taken, cancel = true, o.cancel
	}
	c.Response().SetBodyStream(&cancelOnClose{r: r, cancel: cancel}, size)
}

// cancelOnClose cancels a request's context when fasthttp is done with
// the response stream that still needs it.
type cancelOnClose struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (s *cancelOnClose) Read(p []byte) (int, error) { return s.r.Read(p) }

// CloseWithError is what fasthttp calls when the stream ends or fails;
// it closes the inner stream the way fasthttp would have. (No Close
// method: fasthttp would call both.)
func (s *cancelOnClose) CloseWithError(err error) error {
	defer s.cancel()
	var cerr error
	if c, ok := s.r.(io.Closer); ok {
		cerr = c.Close()
	}
	if c, ok := s.r.(interface{ CloseWithError(error) error }); ok {
		if e := c.CloseWithError(err); cerr == nil {
			cerr = e
		}
	}
	return cerr
}
