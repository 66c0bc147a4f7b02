// Package app is twincms's composition root: the one place where every
// store and service is built and every background loop is listed. The
// twincms command (serve and each of its tools), the plugin facade (the
// root package) and the tests all open twincms through Open, so all of
// them take the data directory's lock and run the same change hooks.
//
// Open reads top to bottom in the order things must happen: the data
// directory's lock first, then the embedded servers, the database and the
// object store, the data migrations (internal/migrate), the repositories,
// the workflow services (audit log, webhooks, fixity), the published
// snapshot and the change hook list, the content and ingest services,
// schedules and bulk ingests, the admin token, the demo content and
// finally the snapshot's first build. Run starts the
// loops; Close releases everything in reverse.
//
// It may import every package of the module; nothing but cmd/, the root
// package and the test kit (internal/apitest) imports it.
package app

import (
	"context"
	"errors"
	"github.com/jesenice/twincms/internal/a11y"
	"github.com/jesenice/twincms/internal/docjobs"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/internal/archive"
	"github.com/jesenice/twincms/internal/audit"
	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/bulk"
	"github.com/jesenice/twincms/internal/doctext"
	"github.com/jesenice/twincms/internal/downloadlink"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/formats"
	"github.com/jesenice/twincms/internal/fulltext"
	"github.com/jesenice/twincms/internal/handlers"
	"github.com/jesenice/twincms/internal/ingest"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/internal/oai"
	"github.com/jesenice/twincms/internal/objectstore"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/internal/readmodel"
	"github.com/jesenice/twincms/internal/schedule"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/internal/throttle"
	"github.com/jesenice/twincms/internal/thumbnails"
	"github.com/jesenice/twincms/internal/webhooks"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Options are what a caller of Open chooses beside the configuration: the
// plugin facade's options, the command's logger and token output.
type Options struct {
	// Prefix is where Mount puts the API ("" is the root).
	Prefix string
	// Logger receives every log line; nil discards them.
	Logger *slog.Logger
	// Registerer, when set, receives the twincms_* metrics instead of a
	// registry of this instance (PREFIX/metrics then answers 404).
	Registerer prometheus.Registerer
	// NoMetrics serves no /metrics (they are counted in a registry
	// registered nowhere).
	NoMetrics bool
	// NoSite and NoAdminUI leave out the demo website and the admin UI.
	NoSite, NoAdminUI bool
	// Authenticate names the caller of a request without an Authorization
	// header from the host's own session.
	Authenticate func(c *fiber.Ctx) (models.Token, bool)
	// AdminTokenOut receives the one-time initial admin token.
	AdminTokenOut io.Writer
	// Hooks are told of every change after twincms's own subscribers.
	Hooks models.Hooks
	// NoDemo leaves the demo content out whatever the configuration says:
	// the command-line tools work on the data as it is.
	NoDemo bool
	// Restoring opens a data dir that `twincms restore` is filling
	// (anything else refuses it until the restore finished).
	Restoring bool
}

// App is one open twincms: every store and service, built by Open. The
// fields are for the command, the plugin facade and this module's tests
// (which check what the HTTP API cannot show); EmbeddedDB and EmbeddedS3
// are nil when the store is external.
type App struct {
	Cfg     config.Config
	Logger  *slog.Logger
	Locales models.Locales

	lock       *embedded.DataDirLock
	EmbeddedDB *embedded.DB
	EmbeddedS3 *embedded.S3
	DB         *storage.DB
	Objects    *objectstore.Store

	// Migrations records the data migration level the database reached.
	Migrations   *storage.Migrations
	Tokens       *storage.Tokens
	Partnerships *storage.Partnerships
	Blocks       *storage.Blocks
	Pages        *storage.Pages
	Documents    *storage.Documents
	// PartnershipIndex serves the archive's partnership list and year
	// search from memory.
	PartnershipIndex *readmodel.PartnershipIndex

	// Registerer is where every package registers its metrics (nil: none).
	Registerer prometheus.Registerer
	Metrics    *handlers.Metrics
	Audit      *audit.Log
	Webhooks   *webhooks.Service
	Fixity     *archive.Fixity
	Published  *publish.Publisher
	// DownloadLinks signs the admin UI's download links (originals, bags).
	DownloadLinks downloadlink.Signer
	// OAI is the OAI-PMH data provider over the published snapshot.
	OAI *oai.Repository
	// A11y reads the accessibility facts of stored PDFs in the background.
	A11y *a11y.Checker
	// Statement is the accessibility statement (settings and generation).
	Statement *a11y.Statement
	Content   *content.Services
	Ingest    *ingest.Service
	Schedules *schedule.Service
	Jobs      *bulk.Jobs
	// Backups runs this instance's backups (API, schedule, command).
	Backups        *backup.Service
	backupSchedule *backup.Schedule
	backupSrc      backup.Source
	// AuthGuard throttles refused authentications per client address and
	// for all clients (TWINCMS_AUTH_FAILURES_PER_MINUTE, _GLOBAL_).
	AuthGuard *throttle.Guard
	// Accounts are people's accounts, sessions and sign-in.
	Accounts *accounts.Service
	// SSO is single sign-on (nil unless TWINCMS_OIDC_ISSUER is set).
	SSO *accounts.SSO
	// Texts reads documents' extracted texts; Search, SearchIndex and
	// SearchSync are the full-text search (nil with TWINCMS_SEARCH_INDEX=off).
	Texts       doctext.Texts
	Search      *fulltext.Service
	SearchIndex *fulltext.Index
	SearchSync  *fulltext.Sync
	// DocJobs are the per-document background runners' shared metrics.
	DocJobs *docjobs.Metrics
	// TextRunner extracts documents' text in the background.
	TextRunner *doctext.Runner
	// Formats identifies originals by PRONOM (at ingest, and in the
	// background through FormatRunner for those without facts).
	Formats      formats.Stored
	FormatRunner *formats.Runner
	// ThumbnailRunner makes documents' thumbnails in the background.
	ThumbnailRunner *thumbnails.Runner
	// RenditionRunner makes missing WebP renditions of crests.
	RenditionRunner *docjobs.Runner
	// Changes are the change hook's subscribers after the published
	// snapshot: the audit log and the webhooks (a benchmark may swap them).
	Changes models.Hooks

	opts    Options
	mu      sync.Mutex
	mounted bool
	closed  bool
}

// Open opens storage (starting the embedded servers the configuration asks
// for), builds every service, loads the demo content when asked and builds
// the published snapshot. ctx bounds the start only; the background work
// runs in Run. On error everything opened is closed again.
func Open(ctx context.Context, cfg config.Config, o Options) (_ *App, err error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NoDemo {
		cfg.Demo = false
	}
	a := &App{Cfg: cfg, opts: o, Logger: logx.WithRequestIDs(o.Logger),
		Locales:   models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback},
		AuthGuard: throttle.NewGuard(orDefault(cfg.AuthFailuresPerMinute, 10), orDefault(cfg.AuthFailuresGlobalPerMinute, 600))}
	defer func() {
		if err != nil {
			err = errors.Join(err, a.closeStorage(context.WithoutCancel(ctx)))
		}
	}()
	// 1. Stores: the lock, the embedded servers, the clients, the repositories.
	if err := a.openServers(ctx); err != nil {
		return nil, err
	}
	if err := a.migrate(ctx); err != nil {
		return nil, err
	}
	if err := a.openRepositories(ctx); err != nil {
		return nil, err
	}
	// 2. Services, each built once with what it needs.
	if err := a.openMetrics(); err != nil {
		return nil, err
	}
	if err := a.openWorkflow(ctx); err != nil {
		return nil, err
	}
	if err := a.openSearch(); err != nil {
		return nil, err
	}
	if err := a.openText(ctx); err != nil {
		return nil, err
	}
	a.openFormats()
	a.openThumbnails()
	a.openRenditions()
	if err := a.openContent(ctx); err != nil {
		return nil, err
	}
	a.openBulk()
	if err := a.openBackups(ctx); err != nil {
		return nil, err
	}
	if err := a.openAccounts(ctx); err != nil {
		return nil, err
	}
	// The collections made so far: index the embedded store's _id lookups
	// (embedded.DB.IndexIDs; those made later by the loop in Run).
	a.IndexEmbeddedIDs(ctx)
	// 3. Data the service needs before it answers.
	if err := a.ensureAdmin(ctx); err != nil {
		return nil, err
	}
	if err := a.loadDemo(ctx); err != nil {
		return nil, err
	}
	return a, a.Published.Rebuild(ctx)
}

// Close stops the bulk ingests, aborts the multipart uploads left
// unfinished, and stops the database client, the S3 child and FerretDB,
// in that order, and frees the data directory. Stop serving and let Run
// return first; Close may be called more than once.
func (a *App) Close(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	if a.Jobs != nil {
		a.Jobs.Close() // running bulk ingests record themselves as interrupted
	}
	if a.Backups != nil {
		a.Backups.Close() // a running backup stops; its staging is no bag
	}
	a.abortUnfinished(ctx)
	return a.closeStorage(ctx)
}

// abortBound bounds aborting the unfinished uploads on the way out: the
// process must still stop promptly when the store does not answer.
const abortBound = 5 * time.Second

// abortUnfinished aborts the multipart uploads still open (an upload cut
// by a drain that timed out), so none keeps its parts in the store until
// the sweeper's grace has passed. What it cannot abort now is the
// sweeper's.
func (a *App) abortUnfinished(ctx context.Context) {
	if a.Objects == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, abortBound)
	defer cancel()
	n, err := a.Objects.AbortUnfinished(ctx)
	if n > 0 {
		a.Logger.Info("aborted unfinished multipart uploads", "count", n)
	}
	if err != nil {
		a.Logger.Warn("unfinished multipart uploads left for the sweeper", "err", err)
	}
}

func (a *App) closeStorage(ctx context.Context) error {
	var errs []error
	if a.SearchIndex != nil {
		errs = append(errs, a.SearchIndex.Close())
		a.SearchIndex = nil
	}
	if a.DB != nil {
		errs = append(errs, a.DB.Close(ctx))
	}
	if a.EmbeddedS3 != nil {
		_ = a.EmbeddedS3.Close()
	}
	if a.EmbeddedDB != nil {
		if err := a.EmbeddedDB.Close(); err != nil {
			a.Logger.Warn("embedded database stop", "err", err)
		}
	}
	// Last: the data dir is free once nothing of ours has a file open there.
	if a.lock != nil {
		errs = append(errs, a.lock.Release())
		a.lock = nil
	}
	return errors.Join(errs...)
}

// orDefault is n, or def for a configuration not made by config.Load.
func orDefault(n, def int) int {
	if n <= 0 {
		return def
	}
	return n
}
