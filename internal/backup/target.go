package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Target is where backups go: a directory or an S3 bucket. Paths are
// slash-separated and relative to the target's root.
type Target interface {
	// Put stores r (size bytes, -1 unknown) at p, replacing what is there;
	// a reader failing part-way leaves nothing at p.
	Put(ctx context.Context, p string, r io.Reader, size int64) error
	// Open reads p; a missing p is an error wrapping fs.ErrNotExist.
	Open(ctx context.Context, p string) (io.ReadCloser, error)
	// Exists reports whether p is there.
	Exists(ctx context.Context, p string) (bool, error)
	// Move renames from to to (a pool object's temporary name to its
	// SHA-256 name), without sending its bytes again.
	Move(ctx context.Context, from, to string) error
	// Link makes to name the same bytes as from; false when the target
	// cannot (the bag then lists the object in objects.jsonl only).
	Link(ctx context.Context, from, to string) (bool, error)
	// List names what is directly under dir ("" the root), sorted.
	List(ctx context.Context, dir string) ([]string, error)
	// Files names every file under dir, recursively, relative to dir.
	Files(ctx context.Context, dir string) ([]string, error)
	// RemoveAll deletes dir and everything under it.
	RemoveAll(ctx context.Context, dir string) error
	// Staging names where backup id is written until Finish.
	Staging(id string) string
	// Finish makes the backup written under partial visible as final.
	Finish(ctx context.Context, partial, final string) error
	String() string
}

// OpenTarget opens a target named by spec: an absolute directory path, or
// s3://host:port/bucket[/prefix] with the keys in s3 (see S3Keys).
func OpenTarget(spec string, s3 S3Keys) (Target, error) {
	if strings.HasPrefix(spec, "s3://") {
		return openS3Target(spec, s3)
	}
	if spec == "" {
		return nil, errors.New("backup: no target (set TWINCMS_BACKUP_TARGET or pass --to)")
	}
	if !filepath.IsAbs(spec) {
		return nil, fmt.Errorf("backup: target %q is not an absolute directory path nor s3://", spec)
	}
	if err := os.MkdirAll(spec, 0o700); err != nil {
		return nil, fmt.Errorf("backup: target: %w", err)
	}
	return &dirTarget{root: filepath.Clean(spec)}, nil
}

// dirTarget is a directory on this machine (another disk, a mount).
type dirTarget struct{ root string }

func (d *dirTarget) String() string { return d.root }

func (d *dirTarget) abs(p string) (string, error) {
	if p != "" && !fs.ValidPath(p) {
		return "", fmt.Errorf("backup: path %q leaves the target", p)
	}
	return filepath.Join(d.root, filepath.FromSlash(p)), nil
}

func (d *dirTarget) Put(ctx context.Context, p string, r io.Reader, size int64) error {
	dst, err := d.abs(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := copyInto(ctx, tmp, r); err != nil {
		_ = tmp.Close()
		return err
	}
	// No fsync per file: Finish syncs the file system once, before the
	// backup is named complete; the writing starts now.
	startWriteback(tmp)
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

func (d *dirTarget) Open(_ context.Context, p string) (io.ReadCloser, error) {
	src, err := d.abs(p)
	if err != nil {
		return nil, err
	}
	return os.Open(src)
}

func (d *dirTarget) Exists(_ context.Context, p string) (bool, error) {
	src, err := d.abs(p)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (d *dirTarget) Move(_ context.Context, from, to string) error {
	src, err := d.abs(from)
	if err != nil {
		return err
	}
	dst, err := d.abs(to)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	return os.Rename(src, dst)
}

func (d *dirTarget) Link(_ context.Context, from, to string) (bool, error) {
	src, err := d.abs(from)
	if err != nil {
		return false, err
	}
	dst, err := d.abs(to)
	if err != nil {
		return false, err
	}
	// The link first: its directory is there for all but the first object
	// of each (a MkdirAll first was a stat for every object).
	err = os.Link(src, dst)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return false, err
		}
		err = os.Link(src, dst) // still missing: src is
	}
	if errors.Is(err, fs.ErrExist) { // a staging directory reused: replace
		_ = os.Remove(dst)
		err = os.Link(src, dst)
	}
	return true, err
}

func (d *dirTarget) List(_ context.Context, dir string) ([]string, error) {
	src, err := d.abs(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(src)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out, err
}

func (d *dirTarget) Files(_ context.Context, dir string) ([]string, error) {
	src, err := d.abs(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	err = filepath.WalkDir(src, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(src, p)
		out = append(out, filepath.ToSlash(rel))
		return err
	})
	return out, err
}

func (d *dirTarget) RemoveAll(_ context.Context, dir string) error {
	src, err := d.abs(dir)
	if err != nil || dir == "" {
		return errors.Join(err, errors.New("backup: will not remove the target's root"))
	}
	return os.RemoveAll(src)
}

func (d *dirTarget) Staging(id string) string { return id + partialSuffix }

func (d *dirTarget) Finish(_ context.Context, partial, final string) error {
	syncAll(d.root) // every file of the bag on disk before its name says it is complete
	src, err := d.abs(partial)
	if err != nil {
		return err
	}
	dst, err := d.abs(final)
	if err != nil {
		return err
	}
	return os.Rename(src, dst)
}

// copyInto copies r into f through a pooled 1 MiB buffer until EOF or
// ctx is done.
func copyInto(ctx context.Context, f *os.File, r io.Reader) error {
	buf := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(buf)
	_, err := io.CopyBuffer(writerOnly{f}, ctxReader{ctx, r}, *buf)
	return err
}

// copyBuffers are the buffers of dirTarget.Put: 1 MiB reads and writes
// (io.Copy's 32 KiB took 32 times the system calls for the same bytes).
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// writerOnly hides *os.File's ReadFrom, which would copy through a 32 KiB
// buffer of its own for a reader that is not a file.
type writerOnly struct{ io.Writer }

// ctxReader stops a copy once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// join is path.Join for target paths.
func join(elem ...string) string { return path.Join(elem...) }
