// Package objectstore is the S3 object store: one bucket reached by
// minio-go, with streaming multipart puts, presigned links, bucket CORS,
// a stall timeout and a circuit breaker that make a hung or dead store
// fail fast, and the translation of S3 errors into models errors at its
// edge. The same code serves the embedded versitygw and a production
// MinIO; only the address differs.
//
// It may import models, minio-go and the probe package; never the
// database, handlers or the services above it.
package objectstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/jesenice/twincms/internal/probe"
	"github.com/jesenice/twincms/models"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Options locate the S3 server and bucket.
type Options struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	Secure    bool
	// PublicURL, when set, is the base URL browsers use for presigned links
	// (a proxy or public host in front of the object store).
	PublicURL string
	// StallTimeout: see DefaultStallTimeout (used when 0).
	StallTimeout time.Duration
}

// Store is the object store: one bucket, reached by minio-go.
type Store struct {
	client *minio.Client
	signer *minio.Client // same credentials, public host: signs links
	bucket string
	// probe caches the result of the readiness write probe.
	probe probe.Cache
	// probeKey is this process's own health object.
	probeKey string
	// down makes calls fail fast for a moment after one found the store down.
	down breaker
	// unfinished are the multipart uploads to abort on the way out.
	unfinished unfinished
}

// partSize bounds memory on unknown-size uploads: minio-go would otherwise
// allocate buffers for a 5 TiB object.
const partSize = 16 << 20

// New connects to the S3 server (lazily: no request is made).
func New(opts Options) (*Store, error) {
	stall := opts.StallTimeout
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	newClient := func(endpoint string, secure bool) (*minio.Client, error) {
		t, err := transport(secure, stall)
		if err != nil {
			return nil, err
		}
		return minio.New(endpoint, &minio.Options{
			Creds:      credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, ""),
			Secure:     secure,
			Region:     opts.Region,
			Transport:  t,
			MaxRetries: maxAttempts,
		})
	}
	c, err := newClient(opts.Endpoint, opts.Secure)
	if err != nil {
		return nil, fmt.Errorf("object store: %w", err)
	}
	o := &Store{client: c, signer: c, bucket: opts.Bucket, probeKey: "health/" + probe.ID()}
	if opts.PublicURL != "" {
		u, err := url.Parse(opts.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("object store public url: %w", err)
		}
		if o.signer, err = newClient(u.Host, u.Scheme == "https"); err != nil {
			return nil, fmt.Errorf("object store: %w", err)
		}
	}
	return o, nil
}

// Bucket names the bucket in use.
func (o *Store) Bucket() string { return o.bucket }

// EnsureBucket creates the bucket when it does not exist yet.
func (o *Store) EnsureBucket(ctx context.Context, region string) error {
	if err := o.down.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return o.fail(err)
	}
	if ok {
		return nil
	}
	if err := o.client.MakeBucket(ctx, o.bucket, minio.MakeBucketOptions{Region: region}); err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) && (resp.Code == "BucketAlreadyOwnedByYou" || resp.Code == "BucketAlreadyExists") {
			return nil
		}
		return o.fail(err)
	}
	return nil
}

// Ping checks that the bucket is reachable (reads can be served).
func (o *Store) Ping(ctx context.Context) error {
	if err := o.down.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return o.fail(err)
	}
	if !ok {
		return fmt.Errorf("%w: bucket %q does not exist", models.ErrUnavailable, o.bucket)
	}
	return nil
}

// ObjectInfo is what the store knows of one object.
type ObjectInfo = models.ObjectInfo

// Put streams r into key. size may be -1 when unknown. It has no total
// deadline (a large upload takes what it takes); a store that stops taking
// bytes fails it within the stall timeout.
func (o *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (ObjectInfo, error) {
	if err := o.down.check(); err != nil {
		return ObjectInfo{}, err
	}
	src := &sourceReader{r: r}
	info, err := o.client.PutObject(ctx, o.bucket, key, src, size, minio.PutObjectOptions{
		ContentType:          contentType,
		UserMetadata:         meta,
		PartSize:             partSize,
		DisableContentSha256: true,
	})
	if err != nil && src.err != nil {
		return ObjectInfo{}, src.err // the caller's reader failed, not the store
	}
	if err != nil {
		return ObjectInfo{}, o.fail(err)
	}
	return ObjectInfo{Key: key, Size: info.Size, ContentType: contentType}, nil
}

// Get opens key for reading; the caller closes the reader.
func (o *Store) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	return o.GetRange(ctx, key, 0, -1)
}

// Stat returns facts about key, models.ErrNotFound when it is missing.
func (o *Store) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	if err := o.down.check(); err != nil {
		return ObjectInfo{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	st, err := o.client.StatObject(ctx, o.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, o.fail(err)
	}
	return toInfo(st), nil
}

// Remove deletes key; a missing key is not an error.
func (o *Store) Remove(ctx context.Context, key string) error {
	if err := o.down.check(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	if err := o.client.RemoveObject(ctx, o.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if err := o.fail(err); !errors.Is(err, models.ErrNotFound) {
			return err
		}
	}
	return nil
}

// List calls fn for every object under prefix. Each page is bounded by
// the stall timeout, the listing as a whole is not.
func (o *Store) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	if err := o.down.check(); err != nil {
		return err
	}
	for obj := range o.client.ListObjects(ctx, o.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return o.fail(obj.Err)
		}
		if err := fn(toInfo(obj)); err != nil {
			return err
		}
	}
	return nil
}

// PresignGet signs a GET link for key valid for ttl; params may override
// response headers (response-content-disposition, response-content-type).
func (o *Store) PresignGet(ctx context.Context, key string, ttl time.Duration, params url.Values) (*url.URL, error) {
	u, err := o.signer.PresignedGetObject(ctx, o.bucket, key, ttl, params)
	if err != nil {
		return nil, o.fail(err)
	}
	return u, nil
}

// PresignPut signs a PUT link for key valid for ttl.
func (o *Store) PresignPut(ctx context.Context, key string, ttl time.Duration, headers http.Header) (*url.URL, error) {
	u, err := o.signer.PresignHeader(ctx, http.MethodPut, o.bucket, key, ttl, nil, headers)
	if err != nil {
		return nil, o.fail(err)
	}
	return u, nil
}

func toInfo(st minio.ObjectInfo) ObjectInfo {
	return ObjectInfo{Key: st.Key, Size: st.Size, ContentType: st.ContentType, LastModified: st.LastModified, Metadata: st.UserMetadata, ETag: st.ETag}
}

// GetRange opens length bytes of key from offset (length < 0: to the end).
func (o *Store) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, ObjectInfo, error) {
	if err := o.down.check(); err != nil {
		return nil, ObjectInfo{}, err
	}
	opts := minio.GetObjectOptions{}
	if offset > 0 || length >= 0 { // else the whole object
		end := int64(0)
		if length >= 0 {
			end = offset + length - 1
		}
		if err := opts.SetRange(offset, end); err != nil {
			return nil, ObjectInfo{}, models.Hide(models.ErrRangeNotSatisfiable, "the range is not within the object", err)
		}
	}
	obj, err := o.client.GetObject(ctx, o.bucket, key, opts)
	if err != nil {
		return nil, ObjectInfo{}, o.fail(err)
	}
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, ObjectInfo{}, o.fail(err)
	}
	left := int64(-1)
	if st.Size >= 0 {
		left = st.Size
	}
	return &objectReader{rc: obj, left: left, down: &o.down}, toInfo(st), nil
}

// fail translates a minio error and lets the breaker see it.
func (o *Store) fail(err error) error { return o.down.observe(translateS3(err)) }
