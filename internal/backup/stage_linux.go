package backup

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// stage writes r into an unnamed file (O_TMPFILE) in the pool's
// directory; name links it under its SHA-256 name. Against a temporary
// file renamed into place this saves a directory entry in one directory
// every copying worker shares and a rename across directories (which
// Linux serializes per file system). ok is false when the file system
// has no unnamed files: the caller stages the usual way.
func (d *dirTarget) stage(ctx context.Context, r io.Reader, size int64) (staged, bool, error) {
	dir, err := d.abs(poolDir)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, err
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
			return nil, false, nil
		}
		return nil, false, err
	}
	f := os.NewFile(uintptr(fd), filepath.Join(dir, "(unnamed)"))
	if err := copyInto(ctx, f, r); err != nil {
		_ = f.Close()
		return nil, false, err
	}
	startWriteback(f)
	return unnamedFile{d: d, f: f}, true, nil
}

// unnamedFile is an open O_TMPFILE file: closed without a name, it is
// gone (a killed backup leaves nothing behind).
type unnamedFile struct {
	d *dirTarget
	f *os.File
}

func (u unnamedFile) name(_ context.Context, to string) error {
	defer u.f.Close()
	dst, err := u.d.abs(to)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	// linkat of /proc/self/fd/N with AT_SYMLINK_FOLLOW names an unnamed
	// file without the privilege AT_EMPTY_PATH needs.
	err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(u.f.Fd())), unix.AT_FDCWD, dst, unix.AT_SYMLINK_FOLLOW)
	if errors.Is(err, unix.EEXIST) {
		return nil // the same bytes, named by another worker meanwhile
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: u.f.Name(), New: dst, Err: err}
	}
	return nil
}

func (u unnamedFile) discard() { _ = u.f.Close() }
