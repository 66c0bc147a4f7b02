package formats

import (
	"context"
	"io"
	"time"

	"github.com/jesenice/twincms/models"
)

// RangeReader reads part of a stored object (objectstore.Store.GetRange).
// Errors: models.ErrNotFound, models.ErrUnavailable.
type RangeReader interface {
	GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, models.ObjectInfo, error)
}

// objectAt reads a stored object by ranges as an io.ReaderAt.
type objectAt struct {
	ctx     context.Context
	objects RangeReader
	key     string
}

func (o objectAt) ReadAt(p []byte, off int64) (int, error) {
	rc, _, err := o.objects.GetRange(o.ctx, o.key, off, int64(len(p)))
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	return io.ReadFull(rc, p)
}

// IdentifyObject identifies the stored object key of size bytes, reading
// it by ranges, within budget when > 0.
func (x *Identifier) IdentifyObject(ctx context.Context, objects RangeReader, key string, size int64, name string, budget time.Duration) (*models.FormatFacts, error) {
	return x.Identify(ctx, objectAt{ctx: ctx, objects: objects, key: key}, size, name, budget)
}
