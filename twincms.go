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

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/models"
)

// CMS is one open twincms: its storage (embedded or external), the
// published snapshot and the services the HTTP API and the background work
// need. Open builds it; Close releases it.
type CMS struct {
	app *app.App
}

// Open opens storage (starting the embedded servers when the configuration
// asks for them), loads demo content when asked and builds the published
// snapshot. ctx bounds the start only; the background work runs in Run.
func Open(ctx context.Context, cfg config.Config, opts ...Option) (*CMS, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	a, err := app.Open(ctx, cfg, o.app())
	if err != nil {
		return nil, err
	}
	return &CMS{app: a}, nil
}

// Run does the background work until ctx ends, then returns once all of
// it has stopped: token reloads (tokens made on other instances), the
// published snapshot's refresh (changes made on other instances), the
// orphan sweep, retried clean-ups, the fixity audit, webhook deliveries,
// scheduled publishing and the audit log's pruning. Call it once, in its
// own goroutine; cancel ctx before Close.
func (c *CMS) Run(ctx context.Context) error { return c.app.Run(ctx) }

// Close stops the database client, the S3 child and FerretDB, in that
// order, and frees the data directory. Stop serving and let Run return
// first (cancel its context); Close may be called more than once.
func (c *CMS) Close(ctx context.Context) error { return c.app.Close(ctx) }

// Content is the content services: the one way to write partnerships,
// blocks and pages from Go (a host's own forms, imports). Writes take the
// actor from the context (models.WithActor) and pass the change hooks like
// the API's.
func (c *CMS) Content() *content.Services { return c.app.Content }

// PublishedPartnerships are the partnerships the public site shows, in
// their order (sort, then Slovenian name), for a host's own pages: the Go
// API beside the HTTP one. Names and texts are per locale
// (Partner.Name.Resolve with the host's locale chain).
func (c *CMS) PublishedPartnerships(ctx context.Context) ([]*models.Partnership, error) {
	return c.app.Partnerships.All(ctx, models.StatusPublished)
}

// Locales are the supported locales and the fallback chain of the
// configuration, for resolving localized texts.
func (c *CMS) Locales() models.Locales { return c.app.Locales }

// RunS3ChildIfRequested turns this process into the embedded S3 server
// when Open started it as one, and exits when that server stops; otherwise
// it returns at once. The embedded S3 server runs as a child process made
// from this same executable, so a host binary (and every TestMain of a
// test that opens a CMS with the embedded store) must call it first thing
// in main, before flags, logging or anything else.
func RunS3ChildIfRequested() { embedded.RunS3ChildIfRequested() }
