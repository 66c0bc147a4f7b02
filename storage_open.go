package twincms

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/storage"
)

// openStorage locks the data directory, starts the embedded servers the
// configuration asks for, connects to the database and the object store
// and builds the stores and services on them.
func (s *CMS) openStorage(ctx context.Context) error {
	cfg := s.cfg
	uri := cfg.MongoURI
	if cfg.EmbeddedDB() || cfg.EmbeddedS3() {
		// First, before anything opens a file there.
		lock, err := embedded.LockDataDir(cfg.DataDir)
		if err != nil {
			return err
		}
		s.lock = lock
	}
	if cfg.EmbeddedDB() {
		quiet := slog.New(s.logger.Handler()).With("component", "ferretdb")
		e, err := embedded.StartDB(ctx, filepath.Join(cfg.DataDir, "db"), logx.LevelFilter(quiet, slog.LevelError))
		if err != nil {
			return err
		}
		s.embDB, uri = e, e.URI()
	}
	objOpts := storage.ObjectsOptions{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, Secure: cfg.S3Secure, PublicURL: cfg.S3PublicURL,
		StallTimeout: cfg.S3StallTimeout}
	if cfg.EmbeddedS3() {
		access, secret, err := embeddedS3Keys(cfg.DataDir)
		if err != nil {
			return err
		}
		e, err := embedded.StartS3(ctx, embedded.S3Options{Root: filepath.Join(cfg.DataDir, "objects"),
			Addr: cfg.S3Addr, AccessKey: access, SecretKey: secret, Region: cfg.S3Region, Stderr: os.Stderr,
			Logger: s.logger.With("component", "s3")})
		if err != nil {
			return err
		}
		s.embS3 = e
		s.logger.Info("embedded object store started", "addr", e.Addr(), "pid", e.PID())
		objOpts.Endpoint, objOpts.AccessKey, objOpts.SecretKey, objOpts.Secure = e.Addr(), access, secret, false
	}
	var err error
	if s.db, err = storage.OpenDB(ctx, uri, cfg.MongoDatabase); err != nil {
		return err
	}
	if s.objs, err = storage.NewObjects(objOpts); err != nil {
		return err
	}
	if err := s.objs.EnsureBucket(ctx, cfg.S3Region); err != nil {
		return fmt.Errorf("object store: %w", err)
	}
	// Without bucket CORS only the admin UI's direct uploads fail (the
	// store's own CORS settings may allow them): warn, do not stop.
	if err := s.objs.AllowBrowserAccess(ctx); err != nil {
		s.logger.Warn("object store: cannot set bucket CORS; browser direct uploads need the store to allow them", "err", err)
	}
	if s.tokens, err = storage.NewTokens(ctx, s.db); err != nil {
		return err
	}
	if s.partnerships, err = storage.NewPartnerships(ctx, s.db); err != nil {
		return err
	}
	if s.blocks, err = storage.NewBlocks(ctx, s.db); err != nil {
		return err
	}
	if s.pages, err = storage.NewPages(ctx, s.db); err != nil {
		return err
	}
	if s.documents, err = storage.NewDocuments(ctx, s.db); err != nil {
		return err
	}
	s.partnershipIndex = storage.NewPartnershipIndex(s.db)
	if cfg.DocumentIndex {
		// The content lists come from memory too (same setting: the
		// embedded store scans for every list).
		err := errors.Join(s.documents.UseMemoryIndex(ctx), s.partnerships.UseMemory(ctx), s.blocks.UseMemory(ctx), s.pages.UseMemory(ctx))
		if err != nil {
			return err
		}
	}
	if s.metrics, err = s.newMetrics(); err != nil {
		return err
	}
	host, _ := os.Hostname()
	s.fixity = &archive.Fixity{Objects: s.objs, Records: s.documents, Leases: storage.NewLeases(s.db),
		States: storage.NewFixityStates(s.db), Logger: s.logger, Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)),
		RateBytes: 200 << 20, OnResult: s.metrics.FixityResult, NewID: storage.NewDocumentID}
	return nil
}

// embeddedS3Keys returns the embedded S3's credentials, made at first start
// and kept (0600) in the data dir so signed links survive restarts.
func embeddedS3Keys(dataDir string) (string, string, error) {
	path := filepath.Join(dataDir, "s3-credentials.json")
	var keys struct{ Access, Secret string }
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &keys); err != nil || keys.Access == "" || keys.Secret == "" {
			return "", "", fmt.Errorf("embedded s3: %s is damaged; remove it to make new keys", path)
		}
		return keys.Access, keys.Secret, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	keys.Access, keys.Secret = "twincms"+randomHex(6), randomHex(24)
	b, _ := json.Marshal(keys)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return "", "", fmt.Errorf("embedded s3: %w", err)
	}
	return keys.Access, keys.Secret, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newMetrics is the metrics registry the options ask for.
func (s *CMS) newMetrics() (*handlers.Metrics, error) {
	switch {
	case s.opts.registerer != nil:
		return handlers.NewHostMetrics(s.opts.registerer)
	case s.opts.noMetrics:
		return handlers.NewHostMetrics(nil)
	}
	return handlers.NewMetrics(), nil
}
