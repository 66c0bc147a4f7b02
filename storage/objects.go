package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/jesenice/twincms/models"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// ObjectsOptions locate the S3 server and bucket.
type ObjectsOptions struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	Secure    bool
	// PublicURL, when set, is the base URL browsers use for presigned links
	// (a proxy or public host in front of the object store).
	PublicURL string
}

// Objects is the object store: one bucket, reached by minio-go.
type Objects struct {
	client *minio.Client
	signer *minio.Client // same credentials, public host: signs links
	bucket string
}

// partSize bounds memory on unknown-size uploads: minio-go would otherwise
// allocate buffers for a 5 TiB object.
const partSize = 16 << 20

// NewObjects connects to the S3 server (lazily: no request is made).
func NewObjects(opts ObjectsOptions) (*Objects, error) {
	newClient := func(endpoint string, secure bool) (*minio.Client, error) {
		return minio.New(endpoint, &minio.Options{
			Creds:  credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, ""),
			Secure: secure,
			Region: opts.Region,
			// Payloads are sent unsigned (the TLS or loopback link protects
			// them); signed aws-chunked payloads are stored verbatim by
			// versitygw and are slower.
			Transport: transport(),
		})
	}
	c, err := newClient(opts.Endpoint, opts.Secure)
	if err != nil {
		return nil, fmt.Errorf("object store: %w", err)
	}
	o := &Objects{client: c, signer: c, bucket: opts.Bucket}
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

func transport() http.RoundTripper {
	t, _ := minio.DefaultTransport(false)
	t.MaxIdleConnsPerHost = 64
	return t
}

// Bucket names the bucket in use.
func (o *Objects) Bucket() string { return o.bucket }

// EnsureBucket creates the bucket when it does not exist yet.
func (o *Objects) EnsureBucket(ctx context.Context, region string) error {
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return translateS3(err)
	}
	if ok {
		return nil
	}
	if err := o.client.MakeBucket(ctx, o.bucket, minio.MakeBucketOptions{Region: region}); err != nil {
		var resp minio.ErrorResponse
		if errors.As(err, &resp) && (resp.Code == "BucketAlreadyOwnedByYou" || resp.Code == "BucketAlreadyExists") {
			return nil
		}
		return translateS3(err)
	}
	return nil
}

// Ping checks that the bucket is reachable.
func (o *Objects) Ping(ctx context.Context) error {
	ok, err := o.client.BucketExists(ctx, o.bucket)
	if err != nil {
		return translateS3(err)
	}
	if !ok {
		return fmt.Errorf("%w: bucket %q does not exist", models.ErrUnavailable, o.bucket)
	}
	return nil
}

// ObjectInfo is what the store knows of one object.
type ObjectInfo = models.ObjectInfo

// Put streams r into key. size may be -1 when unknown.
func (o *Objects) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (ObjectInfo, error) {
	info, err := o.client.PutObject(ctx, o.bucket, key, r, size, minio.PutObjectOptions{
		ContentType:          contentType,
		UserMetadata:         meta,
		PartSize:             partSize,
		DisableContentSha256: true,
	})
	if err != nil {
		return ObjectInfo{}, translateS3(err)
	}
	return ObjectInfo{Key: key, Size: info.Size, ContentType: contentType}, nil
}

// Get opens key for reading; the caller closes the reader.
func (o *Objects) Get(ctx context.Context, key string) (io.ReadCloser, ObjectInfo, error) {
	return o.GetRange(ctx, key, 0, -1)
}

// Stat returns facts about key, models.ErrNotFound when it is missing.
func (o *Objects) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	st, err := o.client.StatObject(ctx, o.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return ObjectInfo{}, translateS3(err)
	}
	return toInfo(st), nil
}

// Remove deletes key; a missing key is not an error.
func (o *Objects) Remove(ctx context.Context, key string) error {
	if err := o.client.RemoveObject(ctx, o.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if errors.Is(translateS3(err), models.ErrNotFound) {
			return nil
		}
		return translateS3(err)
	}
	return nil
}

// List calls fn for every object under prefix.
func (o *Objects) List(ctx context.Context, prefix string, fn func(ObjectInfo) error) error {
	for obj := range o.client.ListObjects(ctx, o.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return translateS3(obj.Err)
		}
		if err := fn(toInfo(obj)); err != nil {
			return err
		}
	}
	return nil
}

// PresignGet signs a GET link for key valid for ttl; params may override
// response headers (response-content-disposition, response-content-type).
func (o *Objects) PresignGet(ctx context.Context, key string, ttl time.Duration, params url.Values) (*url.URL, error) {
	u, err := o.signer.PresignedGetObject(ctx, o.bucket, key, ttl, params)
	if err != nil {
		return nil, translateS3(err)
	}
	return u, nil
}

// PresignPut signs a PUT link for key valid for ttl.
func (o *Objects) PresignPut(ctx context.Context, key string, ttl time.Duration, headers http.Header) (*url.URL, error) {
	u, err := o.signer.PresignHeader(ctx, http.MethodPut, o.bucket, key, ttl, nil, headers)
	if err != nil {
		return nil, translateS3(err)
	}
	return u, nil
}

func toInfo(st minio.ObjectInfo) ObjectInfo {
	return ObjectInfo{Key: st.Key, Size: st.Size, ContentType: st.ContentType, LastModified: st.LastModified, Metadata: st.UserMetadata}
}

// translateS3 turns minio errors into models errors at the storage edge.
func translateS3(err error) error {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch resp.Code {
		case "NoSuchKey", "NoSuchBucket", "NotFound":
			return fmt.Errorf("%w: object store: %s", models.ErrNotFound, resp.Code)
		case "EntityTooLarge":
			return fmt.Errorf("%w: object store: %s", models.ErrTooLarge, resp.Code)
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%w: object store: %s", models.ErrNotFound, resp.Code)
		}
		if resp.StatusCode >= 500 || resp.StatusCode == 0 {
			return fmt.Errorf("%w: object store: %v", models.ErrUnavailable, err)
		}
		return fmt.Errorf("object store: %w", err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// Connection refused, resets and the like: the store is down.
	return fmt.Errorf("%w: object store: %v", models.ErrUnavailable, err)
}

// GetRange opens length bytes of key from offset (length < 0: to the end).
func (o *Objects) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, ObjectInfo, error) {
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
		return nil, ObjectInfo{}, translateS3(err)
	}
	st, err := obj.Stat()
	if err != nil {
		_ = obj.Close()
		return nil, ObjectInfo{}, translateS3(err)
	}
	return obj, toInfo(st), nil
}
