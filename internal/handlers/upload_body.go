package handlers

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"

	"github.com/jesenice/twincms/models"
)

// errTruncated is the one answer to every way an upload body can stop
// early: a client that sends fewer bytes than its Content-Length, a chunked
// body cut off, a multipart body without its closing boundary. Ingest gets
// it instead of io.EOF, so the bytes so far are never stored as a document.
var errTruncated = fmt.Errorf("%w: the request body ended before the upload was complete", models.ErrMalformed)

// maxEpilogue bounds what is read after the closing boundary (RFC 2046
// allows an epilogue; nothing of it is kept).
const maxEpilogue = 64 << 10

// countedBody checks a streamed request body against its Content-Length:
// Fasthttp's body stream reports a peer that closed early as a plain
// io.EOF.
type countedBody struct {
	r        io.Reader
	declared int64 // < 0: chunked, the stream itself reports a cut
	read     int64
}

func (b *countedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	switch {
	case err == io.EOF && b.declared >= 0 && b.read < b.declared:
		return n, errTruncated
	case err != nil && err != io.EOF:
		return n, errTruncated
	}
	return n, err
}

// fileBody is the file part of an upload as ingest reads it. It reports
// io.EOF only once the whole request has arrived and is well-formed: the
// closing boundary read, no part after the file, the body complete. Any
// other end is an error, never a short file.
type fileBody struct {
	part *multipart.Part
	mr   *multipart.Reader
	body io.Reader
	err  error // sticky once set
}

func (f *fileBody) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.part.Read(p)
	switch {
	case err == io.EOF:
		if err = f.rest(); err == nil {
			err = io.EOF
		}
	case err != nil && !errors.Is(err, models.ErrMalformed):
		err = errTruncated // io.ErrUnexpectedEOF: the boundary never came
	}
	f.err = err
	return n, err
}

// rest reads what follows the file part: only the closing boundary and an
// optional short epilogue may.
func (f *fileBody) rest() error {
	next, err := f.mr.NextPart()
	switch {
	case err == io.EOF:
	case errors.Is(err, models.ErrMalformed):
		return err
	case err != nil:
		return errTruncated
	case next.FormName() == "file":
		return fmt.Errorf("%w: send one file per upload; a second \"file\" part followed", models.ErrMalformed)
	default:
		return fmt.Errorf("%w: nothing may follow the \"file\" part", models.ErrMalformed)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(f.body, maxEpilogue+1))
	switch {
	case err != nil:
		return errTruncated
	case n > maxEpilogue:
		return fmt.Errorf("%w: more than %d bytes follow the closing boundary", models.ErrMalformed, maxEpilogue)
	}
	return nil
}
