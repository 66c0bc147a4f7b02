package objectstore

import (
	"bytes"
	"context"
)

// Ready reports whether the object store serves reads (the bucket answers,
// checked on every call: a dead store shows at once) and takes writes (a
// tiny put and remove of this process's health object, cached, see
// probe.Every). Errors: models.ErrUnavailable, models.ErrInsufficientStorage.
func (o *Store) Ready(ctx context.Context) error {
	return o.probe.Ready(ctx, o.Ping, func(ctx context.Context) error {
		body := []byte("ok")
		if _, err := o.Put(ctx, o.probeKey, bytes.NewReader(body), int64(len(body)), "text/plain", nil); err != nil {
			return err
		}
		return o.Remove(ctx, o.probeKey)
	})
}
