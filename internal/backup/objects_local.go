package backup

import (
	"context"
	"io"
	"strings"

	"github.com/jesenice/twincms/models"
)

// objectReader reads the objects of a backup: from the embedded object
// store's bucket directory when the source names one (a file read instead
// of an HTTP request to the versitygw child per object), through the S3
// API otherwise. Never for an external store (MinIO, production): only
// the embedded versitygw keeps an object as one file named by its key.
type objectReader struct {
	Objects
	dir string
}

// Get opens key. The file path is taken only when it holds a complete
// object as versitygw published it (see openObjectFile); anything else
// falls back to the S3 API, which is the authority.
func (r objectReader) Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error) {
	if r.dir != "" && localKey(key) {
		if rc, info, ok := openObjectFile(r.dir, key); ok {
			return rc, info, nil
		}
	}
	return r.Objects.Get(ctx, key)
}

// List walks the bucket directory when there is one: a stat and an
// extended attribute a file instead of versitygw walking the same
// directory, encoding it as XML pages and twincms decoding them (10,000
// objects took ~1 s over S3, most of an incremental backup). Keys come
// sorted, as S3 lists them.
func (r objectReader) List(ctx context.Context, prefix string, fn func(models.ObjectInfo) error) error {
	if r.dir != "" {
		objs, ok, err := listObjectFiles(ctx, r.dir)
		if err != nil {
			return err
		}
		if ok {
			for _, o := range objs {
				if !strings.HasPrefix(o.Key, prefix) {
					continue
				}
				if err := fn(o); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return r.Objects.List(ctx, prefix, fn)
}

// localKey reports whether key names a file below the bucket directory
// and not versitygw's own (its temporary and metadata directories start
// with ".sgw").
func localKey(key string) bool {
	if key == "" || strings.HasPrefix(key, "/") || strings.HasSuffix(key, "/") || strings.HasPrefix(key, ".sgw") {
		return false
	}
	for _, part := range strings.Split(key, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}
