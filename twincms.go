// Package twincms is the twin-towns content and document store as a
// library: a Go program (a municipality's own Fiber website, or the
// twincms command itself) opens it, mounts its HTTP API under a prefix of
// its own router and runs its background work under its own lifecycle.
//
// The whole host code is:
//
//	func main() {
//		twincms.RunS3ChildIfRequested() // first: the embedded S3 server is this binary re-executed
//		cfg, err := config.Load(os.Getenv)
//		...
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//		defer stop()
//		cms, err := twincms.Open(ctx, cfg, twincms.WithPrefix("/cms"), twincms.WithLogger(logger))
//		...
//		defer cms.Close(context.Background())
//		app := fiber.New()
//		cms.Mount(app)               // everything under /cms, nothing else touched
//		go cms.Run(ctx)              // snapshot refresh, sweeper, fixity audit, token reload
//		go app.Listen(cfg.Addr)
//		<-ctx.Done()
//		_ = app.ShutdownWithTimeout(cfg.ShutdownTimeout)
//	}
//
// # What Open does
//
// Open takes the configuration as a struct (config.Load reads the TWINCMS_*
// environment into one): with no TWINCMS_MONGODB_URI it starts an embedded
// FerretDB (SQLite) in this process, with no TWINCMS_S3_ENDPOINT an
// embedded versitygw S3 server as a child process of this binary; both keep
// their files in TWINCMS_DATA_DIR, which one process at a time may use.
// Otherwise it connects to the external MongoDB and S3 store. It creates
// indexes and the bucket, loads the demo content when asked, stores the
// bootstrap admin token and builds the published snapshot.
//
// # What a host can customise
//
// Options: the URL prefix (WithPrefix), the logger (WithLogger), the
// Prometheus registerer (WithRegisterer, or WithoutMetrics), whether the
// demo website and the admin UI are served (WithSite, WithAdminUI), an
// authenticator that maps the host's own sessions or SSO users to twincms
// roles besides tokens (WithAuthenticator), and where the one-time initial
// admin token is shown (WithInitialAdminToken). Everything else (storage,
// limits, locales, link lifetimes) is the Config.
//
// What a host cannot change: the routes under the prefix and their
// behaviour (the API, its OpenAPI document at PREFIX/openapi.json, errors
// as RFC 9457 problem+json), the data model, and one instance per data
// directory or database.
//
// # Behaviour as a guest
//
// Mount adds routes only under the prefix, and middleware only to that
// prefix's group: the host's other routes, error handler and middleware are
// untouched, and twincms's problem+json answers appear only under the
// prefix. The library writes nothing to stdout, installs no signal handler,
// never exits the process and keeps no globals: several instances (on
// separate data directories or databases) can live in one process, each
// under its own prefix.
package twincms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/audit"
	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/schedule"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/webhooks"
)

// CMS is one open twincms: its storage (embedded or external), the
// published snapshot and the parts the HTTP API and the background work
// need. Open builds it; Close releases it.
type CMS struct {
	cfg    config.Config
	opts   options
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
	// partnershipIndex serves the archive's partnership list and year
	// search from memory.
	partnershipIndex *storage.PartnershipIndex
	content          *content.Services
	ingest           *ingest.Service
	published        *publish.Publisher
	fixity           *archive.Fixity
	metrics          *handlers.Metrics
	webhooks         *webhooks.Service
	audit            *audit.Log
	// changes is every subscriber of the change hook but the published
	// snapshot: the audit log and the webhooks.
	changes models.Hooks
	jobs    *bulk.Jobs
	// schedules publish and unpublish at set times.
	schedules *schedule.Service

	mu      sync.Mutex
	mounted bool
	closed  bool
}

// Open opens storage (starting the embedded servers when the configuration
// asks for them), loads demo content when asked and builds the published
// snapshot. ctx bounds the start only; the background work runs in Run.
func Open(ctx context.Context, cfg config.Config, opts ...Option) (_ *CMS, err error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	c := &CMS{cfg: cfg, opts: o, logger: logx.WithRequestIDs(o.logger)}
	defer func() {
		if err != nil {
			c.closeStorage(context.WithoutCancel(ctx))
		}
	}()
	if err := c.openStorage(ctx); err != nil {
		return nil, err
	}
	if err := c.openWorkflow(ctx); err != nil {
		return nil, err
	}
	if err := c.ensureAdmin(ctx); err != nil {
		return nil, err
	}
	if err := c.openContent(ctx); err != nil {
		return nil, err
	}
	c.openBulk()
	return c, nil
}

// OpenStorage opens only the storage of cfg (the data directory's lock,
// the embedded servers or the external ones, the stores, the fixity
// audit's parts): no snapshot, no change hooks, no admin token, no demo.
// It is for command-line tools working on the data while no twincms
// serves it (twincms ingest); Internals gives them the stores. Close it.
func OpenStorage(ctx context.Context, cfg config.Config, opts ...Option) (_ *CMS, err error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	c := &CMS{cfg: cfg, opts: o, logger: logx.WithRequestIDs(o.logger)}
	if err := c.openStorage(ctx); err != nil {
		c.closeStorage(context.WithoutCancel(ctx))
		return nil, err
	}
	return c, nil
}

func (c *CMS) locales() models.Locales {
	return models.Locales{Supported: c.cfg.Locales, Fallback: c.cfg.Fallback}
}

// ensureAdmin stores the configured bootstrap token, or, when there is
// none and no admin exists, makes one and hands it to the
// WithInitialAdminToken writer (once). Without that option no token is
// made: a host that authenticates its own users may never need one.
func (c *CMS) ensureAdmin(ctx context.Context) error {
	if c.cfg.BootstrapToken != "" {
		return c.tokens.EnsureBootstrap(ctx, c.cfg.BootstrapToken)
	}
	if c.tokens.CountAdmins() > 0 {
		return nil
	}
	if c.opts.adminTokenOut == nil {
		c.logger.Warn("no admin token exists: set TWINCMS_BOOTSTRAP_TOKEN (or use WithInitialAdminToken) to create one")
		return nil
	}
	_, secret, err := c.tokens.Create(ctx, models.TokenInput{Name: "initial admin", Role: models.RoleAdmin}, "first start")
	if err != nil {
		return err
	}
	fmt.Fprintf(c.opts.adminTokenOut, "\nInitial admin token (shown once; keep it safe):\n\n    %s\n\n", secret)
	return nil
}

// Close stops the database client, the S3 child and FerretDB, in that
// order, and frees the data directory. Stop serving and let Run return
// first (cancel its context); Close may be called more than once.
func (c *CMS) Close(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	if c.jobs != nil {
		c.jobs.Close() // running bulk ingests record themselves as interrupted
	}
	return c.closeStorage(ctx)
}

func (c *CMS) closeStorage(ctx context.Context) error {
	var errs []error
	if c.db != nil {
		errs = append(errs, c.db.Close(ctx))
	}
	if c.embS3 != nil {
		_ = c.embS3.Close()
	}
	if c.embDB != nil {
		if err := c.embDB.Close(); err != nil {
			c.logger.Warn("embedded database stop", "err", err)
		}
	}
	// Last: the data dir is free once nothing of ours has a file open there.
	if c.lock != nil {
		errs = append(errs, c.lock.Release())
	}
	return errors.Join(errs...)
}
