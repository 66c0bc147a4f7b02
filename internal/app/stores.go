package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/internal/objectstore"
	"github.com/jesenice/twincms/internal/readmodel"
	"github.com/jesenice/twincms/internal/storage"
)

// openServers locks the data directory, starts the embedded servers the
// configuration asks for and connects to the database and the object store.
func (a *App) openServers(ctx context.Context) error {
	cfg := a.Cfg
	uri := cfg.MongoURI
	if cfg.EmbeddedDB() || cfg.EmbeddedS3() {
		// First, before anything opens a file there: a second process on
		// the same data dir (a second serve, or a tool beside a serving
		// one) stops here with the lock's one-line refusal.
		lock, err := embedded.LockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		a.lock = lock
		if _, err := os.Stat(filepath.Join(cfg.DataDir, backup.RestoreMarker)); err == nil && !a.opts.Restoring {
			return fmt.Errorf("data dir %s: a restore into it did not finish; run twincms restore --force again", cfg.DataDir)
		}
	}
	if cfg.EmbeddedDB() {
		quiet := slog.New(a.Logger.Handler()).With("component", "ferretdb")
		e, err := embedded.StartDB(ctx, filepath.Join(cfg.DataDir, "db"), logx.LevelFilter(quiet, slog.LevelError))
		if err != nil {
			return err
		}
		a.EmbeddedDB, uri = e, e.URI()
	}
	objOpts := objectstore.Options{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, Secure: cfg.S3Secure, PublicURL: cfg.S3PublicURL,
		StallTimeout: cfg.S3StallTimeout}
	if cfg.EmbeddedS3() {
		access, secret, err := embeddedS3Keys(cfg.DataDir)
		if err != nil {
			return err
		}
		e, err := embedded.StartS3(ctx, embedded.S3Options{Root: filepath.Join(cfg.DataDir, "objects"),
			Addr: cfg.S3Addr, AccessKey: access, SecretKey: secret, Region: cfg.S3Region, Stderr: os.Stderr,
			Logger: a.Logger.With("component", "s3")})
		if err != nil {
			return err
		}
		a.EmbeddedS3 = e
		a.Logger.Info("embedded object store started", "addr", e.Addr(), "pid", e.PID())
		objOpts.Endpoint, objOpts.AccessKey, objOpts.SecretKey, objOpts.Secure = e.Addr(), access, secret, false
	}
	var err error
	if a.DB, err = storage.OpenDB(ctx, uri, cfg.MongoDatabase); err != nil {
		return err
	}
	if a.Objects, err = objectstore.New(objOpts); err != nil {
		return err
	}
	if err := a.Objects.EnsureBucket(ctx, cfg.S3Region); err != nil {
		return fmt.Errorf("object store: %w", err)
	}
	// Without bucket CORS only the admin UI's direct uploads fail (the
	// store's own CORS settings may allow them): warn, do not stop.
	if err := a.Objects.AllowBrowserAccess(ctx); err != nil {
		a.Logger.Warn("object store: cannot set bucket CORS; browser direct uploads need the store to allow them", "err", err)
	}
	return nil
}

// openRepositories builds the content, document and token repositories
// (creating their indexes) and, when configured, their in-memory lists.
func (a *App) openRepositories(ctx context.Context) error {
	var err error
	if a.Tokens, err = storage.NewTokens(ctx, a.DB); err != nil {
		return err
	}
	if a.Partnerships, err = storage.NewPartnerships(ctx, a.DB); err != nil {
		return err
	}
	if a.Blocks, err = storage.NewBlocks(ctx, a.DB); err != nil {
		return err
	}
	if a.Pages, err = storage.NewPages(ctx, a.DB); err != nil {
		return err
	}
	if a.Documents, err = storage.NewDocuments(ctx, a.DB); err != nil {
		return err
	}
	a.PartnershipIndex = readmodel.NewPartnershipIndex(storage.NewPartnershipSummaries(a.DB), storage.NewCounter(a.DB, "partnerships"))
	if a.Cfg.DocumentIndex {
		// The content lists come from memory too (same setting: the
		// embedded store scans for every list).
		return errors.Join(a.Documents.UseMemoryIndex(ctx), a.Partnerships.UseMemory(ctx), a.Blocks.UseMemory(ctx), a.Pages.UseMemory(ctx))
	}
	return nil
}

// IndexEmbeddedIDs adds the index FerretDB's _id lookups need to every
// collection of the embedded store (see embedded.DB.IndexIDs). Without
// it the service works, only each update scans its collection: a failure
// is a warning.
func (a *App) IndexEmbeddedIDs(ctx context.Context) {
	if a.EmbeddedDB == nil {
		return
	}
	if err := a.EmbeddedDB.IndexIDs(ctx); err != nil {
		a.Logger.Warn("embedded db: cannot index _id lookups; updates scan their collections", "err", err)
	}
}
