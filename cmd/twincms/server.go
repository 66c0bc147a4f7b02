package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/audit"
	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/demo"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/preview"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/schedule"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/tokens"
	"github.com/jesenice/twincms/web"
	"github.com/jesenice/twincms/web/admin"
	"github.com/jesenice/twincms/webhooks"
)

// Server is one running twincms: its storage (embedded or external), the
// HTTP app and the background loops. Start builds it; Shutdown stops the
// parts in reverse order.
type Server struct {
	cfg    config.Config
	logger *slog.Logger

	lock  *embedded.DataDirLock
	embDB *embedded.DB
	embS3 *embedded.S3
	db    *storage.DB
	objs  *storage.Objects

	tokens       *storage.Tokens
	partnerships *storage.Partnerships
	blocks       *storage.Blocks
	pages        *storage.Pages
	documents    *storage.Documents
	content      *content.Services
	ingest       *ingest.Service
	published    *publish.Publisher
	fixity       *archive.Fixity
	metrics      *handlers.Metrics
	schedules    *schedule.Service
	webhooks     *webhooks.Service
	audit        *audit.Log
	// changes is every subscriber of the change hook but the published
	// snapshot: the audit log and the webhooks.
	changes models.Hooks
	jobs    *bulk.Jobs

	App *fiber.App

	stopBG context.CancelFunc
	bg     sync.WaitGroup

	// hooks are subscribers to content changes added by options, told
	// after the server's own.
	hooks models.Hooks
}

// Option adjusts a Server before it starts.
type Option func(*Server)

// WithChangeHook adds a subscriber to every content and document change
// (models.Change), after the server's own (the published snapshot): for
// embedding hosts and tests.
func WithChangeHook(h models.ChangeHook) Option {
	return func(s *Server) { s.hooks = append(s.hooks, h) }
}

// Start opens storage, loads demo content when asked and builds the app.
// out receives the one-time initial admin token when one is generated.
func Start(ctx context.Context, cfg config.Config, logger *slog.Logger, out io.Writer, opts ...Option) (_ *Server, err error) {
	s := &Server{cfg: cfg, logger: logger}
	for _, o := range opts {
		o(s)
	}
	defer func() {
		if err != nil {
			s.closeStorage(context.WithoutCancel(ctx))
		}
	}()
	if err := s.openStorage(ctx); err != nil {
		return nil, err
	}
	if err := s.ensureAdmin(ctx, out); err != nil {
		return nil, err
	}
	changes := storage.NewChanges(s.db)
	linkKey, err := s.publicLinkKey()
	if err != nil {
		return nil, err
	}
	s.published = publish.New(publish.Sources{Partnerships: s.partnerships, Blocks: s.blocks, Pages: s.pages,
		Documents: s.documents, Changes: changes, Presigner: s.objs, Locales: models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback},
		LinkKey: linkKey, LinkTTL: cfg.LinkTTL, Logger: logger, OnRefresh: s.metrics.PublishedRefresh})
	// Every content and document write ends in these hooks; the published
	// snapshot first, the scheduler last (deleting a record cancels its
	// schedules, and the cancellations it tells of follow the deletion).
	hooks := append(append(models.Hooks{s.published.Changed, s.changed}, s.hooks...), func(ctx context.Context, c models.Change) { s.schedules.Changed(ctx, c) })
	s.content = content.New(content.Config{Partnerships: s.partnerships, Blocks: s.blocks, Pages: s.pages,
		Documents: s.documents, Locales: models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback}, Hooks: hooks})
	s.ingest = ingest.New(ingest.Deps{Objects: s.objs, Records: s.documents, Partnerships: s.partnerships,
		Hooks: hooks, NewID: storage.NewDocumentID,
		MaxBytes: cfg.MaxUploadBytes, Locales: models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback}, Logger: s.logger,
		OnSweep: func(r ingest.SweepResult) {
			for kind, n := range r.Counts() {
				s.metrics.SweepRepairs(kind, n)
			}
		}})
	if err := s.openSchedules(ctx, hooks.Changed); err != nil {
		return nil, err
	}
	if cfg.Demo {
		loader := demo.Loader{Content: s.content, Documents: s.ingest, Flags: storage.NewFlags(s.db), Logger: logger}
		if err := loader.LoadOnce(ctx); err != nil {
			return nil, fmt.Errorf("demo content: %w", err)
		}
	}
	if err := s.published.Rebuild(ctx); err != nil {
		return nil, err
	}
	s.jobs = newIngestJobs(s.bulkParts(), cfg.MaxIngestBytes)
	s.App = handlers.New(s.Deps())
	bgCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	s.stopBG = stop
	s.goBG(func() { s.tokens.RefreshEvery(bgCtx, 5*time.Second, logger) })
	s.goBG(func() { s.published.Watch(bgCtx) })
	s.goBG(func() { s.ingest.SweepEvery(bgCtx, 15*time.Minute, sweepGrace) })
	s.goBG(func() { s.ingest.CleanUpEvery(bgCtx) })
	s.goBG(func() { s.fixity.AuditEvery(bgCtx, cfg.FixityInterval) })
	s.goBG(func() { s.schedules.RunEvery(bgCtx, time.Second) })
	s.goBG(func() { s.webhooks.Run(bgCtx) })
	s.goBG(func() {
		s.audit.PruneEvery(bgCtx, cfg.AuditRetention, min(cfg.AuditRetention/2+time.Second, time.Hour))
	})
	return s, nil
}

// openSchedules builds the scheduler: it publishes through the content
// services (so their hook sees what it does) and tells hook of schedules
// made and cancelled.
func (s *Server) openSchedules(ctx context.Context, hook models.ChangeHook) error {
	store, err := storage.NewSchedules(ctx, s.db)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	s.schedules = &schedule.Service{Store: store, Leases: storage.NewLeases(s.db),
		Targets: map[models.Resource]schedule.Target{
			models.ResourcePartnership: contentTarget[models.Partnership, *models.Partnership]{s.content.Partnerships},
			models.ResourceBlock:       contentTarget[models.Block, *models.Block]{s.content.Blocks},
			models.ResourcePage:        contentTarget[models.ContentPage, *models.ContentPage]{s.content.Pages},
		},
		Hook:   hook,
		Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)), LateAfter: s.cfg.ScheduleLateAfter,
		OnRun: s.metrics.ScheduleRun, NewID: storage.NewScheduleID, Logger: s.logger}
	return nil
}

// sweepGrace protects objects of uploads still streaming on another
// instance from the orphan sweep.
const sweepGrace = 2 * time.Hour

// Deps are the API's dependencies, for New or for mounting the API into
// another Fiber app with handlers.Register.
func (s *Server) Deps() handlers.Deps {
	return handlers.Deps{
		Logger: s.logger, Tokens: tokens.Service{Store: s.tokens, Hook: s.changed},
		Webhooks: s.webhooks, Audit: s.audit, AuthRefused: s.audit.Refused,
		Checks:       []handlers.Check{{Name: "database", Ping: s.db.Ready}, {Name: "object_store", Ping: s.objs.Ready}},
		Partnerships: s.content.Partnerships, Blocks: s.content.Blocks, Pages: s.content.Pages, Published: s.published,
		Locales:      models.Locales{Supported: s.cfg.Locales, Fallback: s.cfg.Fallback},
		MaxJSONBytes: s.cfg.MaxJSONBytes, BodyLimit: 4 << 20,
		Documents: s.documents, Ingest: s.ingest, Presigner: s.objs, LinkTTL: s.cfg.LinkTTL, Site: siteFiles(), Admin: admin.Files, S3Origin: s.objs.PublicOrigin(),
		Fixity: s.fixity, Bags: archive.Bags{Objects: s.objs, Org: s.cfg.Organization}, Originals: s.objs, Metrics: s.metrics,
		Schedules: s.schedules, Drafts: s.published, PreviewLinks: &preview.Service{Store: storage.NewPreviewLinks(s.db), NewID: storage.NewPreviewLinkID},
		Ingests: s.jobs,
	}
}

// Content is the content services: the one way to write content, for
// embedding hosts and tools (writes take the actor from the context).
func (s *Server) Content() *content.Services { return s.content }

func (s *Server) goBG(f func()) {
	s.bg.Add(1)
	go func() { defer s.bg.Done(); f() }()
}

func (s *Server) openStorage(ctx context.Context) error {
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
		e, err := embedded.StartDB(ctx, filepath.Join(cfg.DataDir, "db"), levelFilter(quiet, slog.LevelError))
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
	s.metrics = handlers.NewMetrics()
	host, _ := os.Hostname()
	s.fixity = &archive.Fixity{Objects: s.objs, Records: s.documents, Leases: storage.NewLeases(s.db),
		States: storage.NewFixityStates(s.db), Logger: s.logger, Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)),
		RateBytes: 200 << 20, OnResult: s.metrics.FixityResult, NewID: storage.NewDocumentID}
	return s.openWorkflow(ctx)
}

// openWorkflow builds the change hook's subscribers: the audit log and the
// webhooks (whose own changes the audit log records).
func (s *Server) openWorkflow(ctx context.Context) error {
	cfg := s.cfg
	auditStore, err := storage.NewAudit(ctx, s.db)
	if err != nil {
		return err
	}
	s.audit = audit.New(auditStore, storage.NewAuditID, s.logger, s.metrics.Registry)
	outbox, err := storage.NewOutbox(ctx, s.db)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	s.webhooks = webhooks.New(storage.NewWebhooks(s.db), outbox, storage.NewLeases(s.db), webhooks.Options{
		AllowPrivate: cfg.WebhookAllowPrivate, Backoff: cfg.WebhookBackoff, Timeout: cfg.WebhookTimeout,
		Workers: cfg.WebhookWorkers, Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)),
	}, s.changed, s.logger, s.metrics.Registry)
	s.changes = models.Hooks{s.audit.Changed, s.webhooks.Changed}
	s.fixity.OnFailed = func(ctx context.Context, doc *models.Document, _ models.Event) { s.webhooks.FixityFailed(ctx, doc) }
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

// ensureAdmin stores the configured bootstrap token, or, when there is
// none and no admin exists, makes one and prints it once.
func (s *Server) ensureAdmin(ctx context.Context, out io.Writer) error {
	if s.cfg.BootstrapToken != "" {
		return s.tokens.EnsureBootstrap(ctx, s.cfg.BootstrapToken)
	}
	if s.tokens.CountAdmins() > 0 {
		return nil
	}
	_, secret, err := s.tokens.Create(ctx, models.TokenInput{Name: "initial admin", Role: models.RoleAdmin}, "first start")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nInitial admin token (shown once; keep it safe):\n\n    %s\n\n", secret)
	return nil
}

// Serve answers HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.App.Listener(ln) }

// Shutdown stops accepting, drains in-flight requests up to timeout, then
// stops the background loops, the database client, the S3 child and
// FerretDB, in that order.
func (s *Server) Shutdown(ctx context.Context, timeout time.Duration) error {
	var errs []error
	if s.App != nil {
		if err := s.App.ShutdownWithTimeout(timeout); err != nil {
			errs = append(errs, err)
		}
	}
	if s.jobs != nil {
		s.jobs.Close() // running bulk ingests record themselves as interrupted
	}
	if s.stopBG != nil {
		s.stopBG()
	}
	s.bg.Wait()
	s.closeStorage(ctx)
	return errors.Join(errs...)
}

func (s *Server) closeStorage(ctx context.Context) {
	if s.db != nil {
		_ = s.db.Close(ctx)
	}
	if s.embS3 != nil {
		_ = s.embS3.Close()
	}
	if s.embDB != nil {
		if err := s.embDB.Close(); err != nil {
			s.logger.Warn("embedded database stop", "err", err)
		}
	}
	// Last: the data dir is free once nothing of ours has a file open there.
	_ = s.lock.Release()
}

// changed tells the change hook's subscribers (s.changes) of c.
func (s *Server) changed(ctx context.Context, c models.Change) { s.changes.Changed(ctx, c) }

// siteFiles is the demo website (web/static) as served at /.
func siteFiles() fs.FS {
	sub, err := fs.Sub(web.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
