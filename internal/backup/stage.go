package backup

import (
	"context"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// staged is an object's bytes written into a target before their name is
// known (the pool names them by their SHA-256, known once they are read).
type staged interface {
	// name gives the bytes their path in the target.
	name(ctx context.Context, to string) error
	// discard drops them.
	discard()
}

// stager is a target with a cheaper way to stage bytes than a named
// temporary file moved afterwards (dirTarget on Linux: an unnamed file
// linked once named).
type stager interface {
	stage(ctx context.Context, r io.Reader, size int64) (staged, bool, error)
}

// stage writes r (size bytes) into t for the object key: the target's own
// way when it has one, else a temporary name under the pool, moved when
// named.
func stage(ctx context.Context, t Target, key string, r io.Reader, size int64) (staged, error) {
	if s, ok := t.(stager); ok {
		st, ok, err := s.stage(ctx, r, size)
		if ok || err != nil {
			return st, err
		}
	}
	// Directly under pool/, which holds sha256/ once an object is in it:
	// versitygw removes a directory left empty by a delete, and a worker
	// putting its temporary object into a shared pool/tmp/ while another
	// deleted the last one there failed ("Existing Object is a
	// directory").
	tmp := join(path.Dir(poolDir), fmt.Sprintf("%s%d-%s", poolTmpPrefix, time.Now().UnixNano(), strings.ReplaceAll(key, "/", "_")))
	if err := t.Put(ctx, tmp, r, size); err != nil {
		_ = t.RemoveAll(context.WithoutCancel(ctx), tmp)
		return nil, err
	}
	return movedTemp{context.WithoutCancel(ctx), t, tmp}, nil
}

// movedTemp is bytes staged under a temporary name.
type movedTemp struct {
	ctx context.Context // the backup's, uncancelled: discarding cleans up after a cancel too
	t   Target
	tmp string
}

func (m movedTemp) name(ctx context.Context, to string) error { return m.t.Move(ctx, m.tmp, to) }
func (m movedTemp) discard()                                  { _ = m.t.RemoveAll(m.ctx, m.tmp) }
