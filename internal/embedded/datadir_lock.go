package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrDataDirInUse is the refusal of a data directory another process
// holds (a serving twincms): a tool may then ask that process instead.
var ErrDataDirInUse = errors.New("stop that process or set another TWINCMS_DATA_DIR")

// DataDirLock is an exclusive lock on an embedded data directory, held for
// the life of the process. Two processes on one directory would run two
// FerretDBs on the same SQLite files and two gateways on the same objects;
// the second one is refused before it touches anything. The kernel
// releases the lock when the process ends, also after kill -9, so a crash
// never leaves a stale lock behind.
type DataDirLock struct {
	f *os.File
}

// LockDataDir takes the lock on dir/.lock, creating dir when needed. It
// fails at once, naming dir, when another process holds it.
func LockDataDir(dir string) (*DataDirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, ".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err)
	}
	if err := tryLock(f); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("data dir %s is in use by another twincms process (it holds %s); %w", dir, path, ErrDataDirInUse)
	}
	// The holder's pid helps an operator find it; the lock, not the text,
	// is what counts.
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return &DataDirLock{f: f}, nil
}

// Release gives the lock up (closing the file releases the flock).
func (l *DataDirLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
