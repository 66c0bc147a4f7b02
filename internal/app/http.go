package app

import (
	"errors"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/archive"
	"github.com/jesenice/twincms/internal/handlers"
	"github.com/jesenice/twincms/internal/preview"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/internal/tokens"
	"github.com/jesenice/twincms/internal/web"
	"github.com/jesenice/twincms/internal/web/admin"
)

// ErrMountedTwice is returned by Mount and Handler for a second mount of
// one App: its metrics and snapshot belong to one API.
var ErrMountedTwice = errors.New("twincms: this CMS is already mounted")

// Mount adds the API under the Prefix of r (a host's app or one of its
// groups). Routes and middleware go only into that prefix's group.
func (a *App) Mount(r fiber.Router) error {
	if err := a.mountOnce(); err != nil {
		return err
	}
	if a.opts.Prefix != "" {
		r = r.Group(a.opts.Prefix)
	}
	handlers.Register(r, a.deps())
	return nil
}

// Handler is a Fiber app of its own with the API at the root (the prefix
// is not used), with twincms's error handler, body limits and timeouts:
// what the twincms command serves. Like Mount, it can be made once.
func (a *App) Handler() (*fiber.App, error) {
	if err := a.mountOnce(); err != nil {
		return nil, err
	}
	return handlers.New(a.deps()), nil
}

// MetricsHandler is the Fiber app serving /metrics alone on
// TWINCMS_METRICS_ADDR; nil when that is not set, when the metrics are
// off, or when this instance has no registry to serve (a Go host's).
func (a *App) MetricsHandler() *fiber.App {
	if a.Cfg.MetricsAddr == "" || a.Cfg.Metrics == handlers.MetricsOff || a.Metrics == nil || a.Metrics.Registry == nil {
		return nil
	}
	return handlers.NewMetricsApp(a.deps())
}

func (a *App) mountOnce() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.closed:
		return errors.New("twincms: Mount after Close")
	case a.mounted:
		return ErrMountedTwice
	}
	a.mounted = true
	return nil
}

// deps are the API's dependencies: each handler interface is met by the
// service built for it in Open.
func (a *App) deps() handlers.Deps {
	d := handlers.Deps{
		Logger: a.Logger, Tokens: tokens.Service{Store: a.Tokens, Hook: a.changed},
		Webhooks: a.Webhooks, Audit: a.Audit, AuthRefused: a.Audit.Refused, Ingests: a.Jobs,
		Schedules: a.Schedules, Drafts: a.Published,
		PreviewLinks: &preview.Service{Store: storage.NewPreviewLinks(a.DB), NewID: storage.NewPreviewLinkID, Hook: a.changed},
		Checks:       []handlers.Check{{Name: "database", Ping: a.DB.Ready}, {Name: "object_store", Ping: a.Objects.Ready}},
		Partnerships: a.Content.Partnerships, Blocks: a.Content.Blocks, Pages: a.Content.Pages, Published: a.Published,
		Locales: a.Locales, MaxJSONBytes: a.Cfg.MaxJSONBytes, BodyLimit: 4 << 20,
		Documents: a.Documents, PartnershipIndex: a.PartnershipIndex, Ingest: a.Ingest, Presigner: a.Objects,
		LinkTTL: a.Cfg.LinkTTL, S3Origin: a.Objects.PublicOrigin(),
		Fixity: a.Fixity, Bags: archive.Bags{Objects: a.Objects, Org: a.Cfg.Organization, Events: a.Documents, Software: Version()}, Originals: a.Objects, Metrics: a.Metrics,
		Authenticate: a.opts.Authenticate, Backups: a.Backups, Harvest: a.OAI, Statement: a.Statement,
		DownloadLinks: a.DownloadLinks,
		AuthThrottle:  a.AuthGuard, TrustedProxies: a.Cfg.TrustedProxies,
		MetricsAccess: a.Cfg.Metrics, MetricsToken: a.Cfg.MetricsToken, MetricsElsewhere: a.Cfg.MetricsAddr != "",
		Accounts: a.Accounts, PublicURL: a.Cfg.PublicURL,
	}
	if a.SSO != nil {
		d.SSO = a.SSO
	}
	if a.Search != nil {
		d.FullText, d.PublicDocuments = a.Search, a.Published
	}
	d.Texts, d.TextExtraction, d.PublishedDocument = a.Texts, a.TextRunner, a.Published
	if !a.opts.NoSite {
		d.Site = siteFiles()
	}
	if !a.opts.NoAdminUI {
		d.Admin = admin.Files
	}
	return d
}

// siteFiles is the demo website (web/static) as served at /.
func siteFiles() fs.FS {
	sub, err := fs.Sub(web.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
