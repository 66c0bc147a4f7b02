package objectstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/jesenice/twincms/models"
	"github.com/minio/minio-go/v7"
)

// Streams of unknown size are stored part by part here rather than with
// minio-go's PutObject(size -1), for two reasons: minio-go takes a reader's
// io.ErrUnexpectedEOF as the end of the stream (so a truncated upload
// became a complete object), and it aborts a failed multipart upload
// inside the call, retrying for up to a minute while the request waits.
// Here any read error fails the put, and the abort is left to the caller's
// background clean-up (and the sweeper), which find the upload by key, or
// on the way out to AbortUnfinished.

// partBuffers recycles the 16 MiB part buffers, so concurrent and
// successive uploads do not each grow the heap by a part.
var partBuffers = sync.Pool{New: func() any { b := make([]byte, partSize); return &b }}

// headSize is the first read of a stream. A pool keeps its buffers only
// until the next collections, which a loaded server runs several times a
// second: every upload of a few hundred KiB took a 16 MiB part buffer,
// most of them a new one (35 MB/s of allocation and a heap peak of 97 MiB in
// the soak; docs/benchmarks.md). A stream that ends within headSize never
// touches one.
const headSize = 1 << 20

// headBuffers recycles the head buffers.
var headBuffers = sync.Pool{New: func() any { b := make([]byte, headSize); return &b }}

// firstPart reads the stream's first part: into a head buffer, moving to
// a part buffer only when the stream goes on past it. release gives back
// the buffer returned, once its bytes are sent.
func firstPart(r io.Reader) (buf []byte, n int, eof bool, release func(), err error) {
	hp := headBuffers.Get().(*[]byte)
	if n, eof, err = readPart(r, *hp); eof || err != nil {
		return *hp, n, eof, func() { headBuffers.Put(hp) }, err
	}
	bp := partBuffers.Get().(*[]byte)
	copy(*bp, (*hp)[:n])
	headBuffers.Put(hp)
	m, eof, err := readPart(r, (*bp)[n:])
	return *bp, n + m, eof, func() { partBuffers.Put(bp) }, err
}

// PutStream stores everything r yields under key. The object exists only
// if r ended with a clean io.EOF; any other error from r, or from the
// store, fails the put and leaves at most an incomplete multipart upload
// under key (see IncompleteUploads and AbortUpload). Parts are read and
// sent one after the other through one buffer, as minio-go does: reading
// the next part while one uploads measured slower here (more memory, and
// the disk, not the CPU, is what the two wait for).
func (o *Store) PutStream(ctx context.Context, key string, r io.Reader, contentType string, meta map[string]string) (ObjectInfo, error) {
	if err := o.down.check(); err != nil {
		return ObjectInfo{}, err
	}
	opts := minio.PutObjectOptions{ContentType: contentType, UserMetadata: meta, DisableContentSha256: true}
	buf, n, eof, release, err := firstPart(r)
	defer release()
	if err != nil {
		return ObjectInfo{}, err
	}
	if eof { // one part: a plain PUT, no multipart upload to leave behind
		if _, err := o.client.PutObject(ctx, o.bucket, key, bytes.NewReader(buf[:n]), int64(n), opts); err != nil {
			return ObjectInfo{}, o.fail(err)
		}
		return ObjectInfo{Key: key, Size: int64(n), ContentType: contentType}, nil
	}

	core := minio.Core{Client: o.client}
	uploadID, err := withTimeout(ctx, func(ctx context.Context) (string, error) {
		return core.NewMultipartUpload(ctx, o.bucket, key, opts)
	})
	if err != nil {
		return ObjectInfo{}, o.fail(err)
	}
	// Until completed or aborted, the upload is AbortUnfinished's to abort
	// on the way out, which stops this put first (cancel).
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if err := o.unfinished.begin(key, uploadID, cancel); err != nil {
		return ObjectInfo{}, errors.Join(err, o.AbortUpload(ctx, key, uploadID))
	}
	var parts []minio.CompletePart
	var total int64
	for number := 1; n > 0; number++ {
		part, err := core.PutObjectPart(ctx, o.bucket, key, uploadID, number, bytes.NewReader(buf[:n]), int64(n),
			minio.PutObjectPartOptions{DisableContentSha256: true})
		if err != nil {
			return ObjectInfo{}, o.fail(err)
		}
		parts = append(parts, minio.CompletePart{PartNumber: number, ETag: part.ETag})
		total += int64(n)
		if eof {
			break
		}
		if n, eof, err = readPart(r, buf); err != nil {
			return ObjectInfo{}, err
		}
	}
	// Completing joins the parts on the server: it may take longer than a
	// metadata call, and the stall timeout still bounds a hung store.
	if _, err := core.CompleteMultipartUpload(ctx, o.bucket, key, uploadID, parts, opts); err != nil {
		return ObjectInfo{}, o.fail(err)
	}
	o.unfinished.end(uploadID)
	return ObjectInfo{Key: key, Size: total, ContentType: contentType}, nil
}

// readPart fills buf from r. eof is true when r ended with io.EOF; every
// other error, io.ErrUnexpectedEOF included, is returned as is.
func readPart(r io.Reader, buf []byte) (n int, eof bool, err error) {
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, true, nil
		}
		if err != nil {
			return n, false, err
		}
	}
	return n, false, nil
}

// IncompleteUploads calls fn for every multipart upload under prefix that
// was started and never completed nor aborted. Portable prefixes are ""
// (the whole bucket) and an exact key: MinIO lists nothing for any other
// (minio/minio#20989).
func (o *Store) IncompleteUploads(ctx context.Context, prefix string, fn func(models.IncompleteUpload) error) error {
	if err := o.down.check(); err != nil {
		return err
	}
	core := minio.Core{Client: o.client}
	keyMarker, idMarker := "", ""
	for range 100_000 { // pages of 1,000: bounded, never endless on a broken marker
		res, err := withTimeout(ctx, func(ctx context.Context) (minio.ListMultipartUploadsResult, error) {
			return core.ListMultipartUploads(ctx, o.bucket, prefix, keyMarker, idMarker, "", 1000)
		})
		if err != nil {
			return o.fail(err)
		}
		for _, u := range res.Uploads {
			if err := fn(models.IncompleteUpload{Key: u.Key, UploadID: u.UploadID, Initiated: u.Initiated}); err != nil {
				return err
			}
		}
		if !res.IsTruncated || (res.NextKeyMarker == keyMarker && res.NextUploadIDMarker == idMarker) {
			return nil
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIDMarker
	}
	return fmt.Errorf("%w: object store: too many incomplete uploads to list", models.ErrUnavailable)
}

// AbortUpload removes an incomplete multipart upload and its parts; one
// that is already gone is not an error. Either way it is no longer this
// process's to abort on the way out.
func (o *Store) AbortUpload(ctx context.Context, key, uploadID string) error {
	if err := o.down.check(); err != nil {
		return err
	}
	_, err := withTimeout(ctx, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, minio.Core{Client: o.client}.AbortMultipartUpload(ctx, o.bucket, key, uploadID)
	})
	var resp minio.ErrorResponse
	if err != nil && !(errors.As(err, &resp) && resp.Code == "NoSuchUpload") {
		if err := o.fail(err); !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	o.unfinished.end(uploadID)
	return nil
}

// withTimeout runs one metadata call of the store under metadataTimeout.
func withTimeout[T any](ctx context.Context, call func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	return call(ctx)
}
