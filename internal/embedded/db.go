// Package embedded runs the servers twincms brings along when no external
// ones are configured: FerretDB on SQLite inside this process, versitygw on
// a directory as a supervised child process of this same executable, and
// the lock that keeps a second process off their data directory. Package
// storage talks to them as to production MongoDB and S3; only the
// addresses differ.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// DB is a FerretDB running inside this process on SQLite files.
type DB struct {
	uri    string
	dir    string // the SQLite files
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
	err    error
}

// StartDB starts FerretDB with its SQLite files in dir, listening on
// a random loopback port (it has no authentication, so never on another
// interface). Stop it with Close after every client has disconnected.
func StartDB(ctx context.Context, dir string, logger *slog.Logger) (*DB, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("embedded db: %q is not an absolute path", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded db: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + filepath.ToSlash(dir) + "/",
		Logger:    logger.With("component", "ferretdb"),
	})
	if err != nil {
		return nil, fmt.Errorf("embedded db: %w", err)
	}
	// FerretDB lives until Close, not until the start-up context ends.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &DB{uri: f.MongoDBURI(), dir: dir, cancel: cancel, done: make(chan error, 1)}
	go func() { e.done <- f.Run(runCtx) }()
	return e, nil
}

// URI is the MongoDB connection string of the embedded server.
func (e *DB) URI() string { return e.uri }

// Close stops FerretDB and waits for it to close its SQLite files. Later
// calls return the first call's result.
func (e *DB) Close() error {
	e.once.Do(func() {
		e.cancel()
		select {
		case err := <-e.done:
			if err != nil && !errors.Is(err, context.Canceled) {
				e.err = fmt.Errorf("embedded db: %w", err)
			}
		case <-time.After(10 * time.Second):
			e.err = errors.New("embedded db: did not stop within 10s")
		}
	})
	return e.err
}
