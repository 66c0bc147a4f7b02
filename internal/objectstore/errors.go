package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/jesenice/twincms/models"
	"github.com/minio/minio-go/v7"
)

// translateS3 turns minio errors into models errors at the storage edge.
// Only the S3 error code reaches the message: driver text stays in logs.
func translateS3(err error) error {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch resp.Code {
		case "NoSuchKey", "NoSuchBucket", "NotFound":
			return fmt.Errorf("%w: object store: %s", models.ErrNotFound, resp.Code)
		case "EntityTooLarge":
			return fmt.Errorf("%w: object store: %s", models.ErrTooLarge, resp.Code)
		case "InsufficientStorage", "XMinioStorageFull":
			// versitygw on ENOSPC; MinIO below its free-space threshold.
			return fmt.Errorf("%w: object store: %s", models.ErrInsufficientStorage, resp.Code)
		}
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return fmt.Errorf("%w: object store: %s", models.ErrNotFound, resp.Code)
		case resp.StatusCode == http.StatusInsufficientStorage:
			return fmt.Errorf("%w: object store: %s", models.ErrInsufficientStorage, resp.Code)
		case resp.StatusCode >= 500 || resp.StatusCode == 0:
			// 5xx: lost quorum, overloaded, a proxy with no upstream.
			return fmt.Errorf("%w: object store: %v", models.ErrUnavailable, err)
		}
		return fmt.Errorf("object store: %w", err)
	}
	if errors.Is(err, context.Canceled) {
		return err // the client went away: nobody reads the answer
	}
	// Our deadlines (context or connection progress), connection refused,
	// resets, a body cut short: the store is down or hung.
	return fmt.Errorf("%w: object store: %v", models.ErrUnavailable, err)
}

// objectReader is an object being read. It translates read errors at the
// storage edge and turns an early end into an error, so a connection cut
// mid-object is never taken for the object's end (a fixity check would
// otherwise record a false failure, a copy would be silently short).
type objectReader struct {
	rc   io.ReadCloser
	left int64 // bytes still expected; < 0 when unknown
	down *breaker
}

func (r *objectReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if r.left >= 0 {
		r.left -= int64(n)
	}
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, io.EOF) && r.left <= 0:
		return n, io.EOF
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return n, r.down.observe(fmt.Errorf("%w: object store: the object ended %d bytes early", models.ErrUnavailable, r.left))
	}
	return n, r.down.observe(translateS3(err))
}

func (r *objectReader) Close() error { return r.rc.Close() }
