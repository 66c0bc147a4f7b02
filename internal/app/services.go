package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"github.com/jesenice/twincms/internal/a11y"
	"github.com/jesenice/twincms/internal/docjobs"
	"time"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/archive"
	"github.com/jesenice/twincms/internal/audit"
	"github.com/jesenice/twincms/internal/bulk"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/downloadlink"
	"github.com/jesenice/twincms/internal/handlers"
	"github.com/jesenice/twincms/internal/ingest"
	"github.com/jesenice/twincms/internal/oai"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/internal/schedule"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/internal/webhooks"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// openMetrics chooses where every package registers its metrics (the
// options' registerer, none, or a registry of this instance served at
// /metrics) and builds the HTTP metrics; the other packages register
// their own as they are built (audit, webhooks, fixity, sweeps, snapshot
// refreshes, schedule runs).
func (a *App) openMetrics() error {
	var serve *prometheus.Registry
	switch {
	case a.opts.Registerer != nil:
		a.Registerer = a.opts.Registerer
	case a.opts.NoMetrics:
		a.Registerer = nil
	default:
		serve = handlers.NewRegistry()
		a.Registerer = serve
	}
	var err error
	if a.Metrics, err = handlers.NewMetrics(a.Registerer, serve); err != nil {
		return err
	}
	a.DocJobs, err = docjobs.NewMetrics(a.Registerer)
	return err
}

// openWorkflow builds the audit log, the webhooks (whose own changes the
// audit log and the webhooks are told of) and the fixity audit (whose
// failures are a webhook event).
func (a *App) openWorkflow(ctx context.Context) error {
	cfg := a.Cfg
	auditStore, err := storage.NewAudit(ctx, a.DB)
	if err != nil {
		return err
	}
	a.Audit = audit.New(auditStore, storage.NewAuditID, a.Logger, a.Registerer)
	outbox, err := storage.NewOutbox(ctx, a.DB)
	if err != nil {
		return err
	}
	a.Webhooks = webhooks.New(storage.NewWebhooks(a.DB), outbox, storage.NewLeases(a.DB), webhooks.Options{
		AllowPrivate: cfg.WebhookAllowPrivate, Backoff: cfg.WebhookBackoff, Timeout: cfg.WebhookTimeout,
		Workers: cfg.WebhookWorkers, Holder: holder(),
	}, a.changed, a.Logger, a.Registerer)
	a.Changes = models.Hooks{a.Audit.Changed, a.Webhooks.Changed}
	checked, err := archive.CheckCounter(a.Registerer)
	if err != nil {
		return err
	}
	a.Fixity = &archive.Fixity{Objects: a.Objects, Records: a.Documents, Leases: storage.NewLeases(a.DB),
		States: storage.NewFixityStates(a.DB), Logger: a.Logger, Holder: holder(),
		RateBytes: 200 << 20, OnResult: checked, NewID: storage.NewDocumentID,
		OnFailed: func(ctx context.Context, doc *models.Document, _ models.Event) { a.Webhooks.FixityFailed(ctx, doc) }}
	return nil
}

// changed tells the change hook's subscribers after the snapshot
// (a.Changes: audit log, webhooks) of ch.
func (a *App) changed(ctx context.Context, ch models.Change) { a.Changes.Changed(ctx, ch) }

// openContent builds the published snapshot, the change hook list, the
// content services, the document ingest and the scheduler.
func (a *App) openContent(ctx context.Context) error {
	linkKey, err := a.publicLinkKey()
	if err != nil {
		return err
	}
	refreshed, err := publish.RefreshCounter(a.Registerer)
	if err != nil {
		return err
	}
	swept, err := ingest.SweepCounter(a.Registerer)
	if err != nil {
		return err
	}
	ran, err := schedule.RunCounter(a.Registerer)
	if err != nil {
		return err
	}
	a.Published = publish.New(publish.Sources{Partnerships: a.Partnerships, Blocks: a.Blocks, Pages: a.Pages,
		Documents: a.Documents, Changes: storage.NewChangeLog(a.DB), Presigner: a.Objects, Locales: a.Locales,
		LinkKey: linkKey, LinkTTL: a.Cfg.LinkTTL, Logger: a.Logger, OnRefresh: refreshed})
	downloadKey, err := a.derivedKey("twincms admin download links v1")
	if err != nil {
		return err
	}
	a.DownloadLinks = downloadlink.New(downloadKey, downloadLinkTTL)
	if err := a.openOAI(ctx, linkKey); err != nil {
		return err
	}
	// The change hook list: every content and document write ends in
	// these, in this order: the published snapshot first (the writer reads
	// its own write), the OAI-PMH records (which follow the snapshot), the
	// partnership index, the audit log and the
	// webhooks, the host's subscribers, the scheduler last (deleting a
	// record cancels its schedules, and the cancellations it tells of
	// follow the deletion).
	a.Statement = &a11y.Statement{Settings: storage.NewSettings(a.DB), Documents: a.Documents, Locales: a.Locales,
		Published: func() []string {
			var ids []string
			for _, d := range a.Published.Harvest().Documents {
				ids = append(ids, d.ID)
			}
			return ids
		}}
	a.A11y = a11y.NewChecker(a11y.CheckerConfig{Documents: a.Documents, Objects: a.Objects, Inspector: a11y.PopplerInspector(""), Logger: a.Logger,
		Leases: storage.NewLeases(a.DB), Holder: holder(), Jobs: a.DocJobs})
	hooks := append(append(models.Hooks{a.Published.Changed, a.OAI.Changed, a.PartnershipIndex.Changed, a.changed, a.A11y.Changed, a.searchChanged}, a.opts.Hooks...),
		func(ctx context.Context, ch models.Change) { a.Schedules.Changed(ctx, ch) })
	a.Content = content.New(content.Config{Partnerships: a.Partnerships, Blocks: a.Blocks, Pages: a.Pages,
		Documents: a.Documents, Locales: a.Locales, RichTextImageOrigins: a.Cfg.RichTextImageOrigins, Hooks: hooks})
	a.Ingest = ingest.New(ingest.Deps{Objects: a.Objects, Records: a.Documents, Partnerships: a.Partnerships,
		Hooks: hooks, NewID: storage.NewDocumentID, MaxBytes: a.Cfg.MaxUploadBytes, Locales: a.Locales, Logger: a.Logger,
		OnSweep: swept, Formats: a.Formats, Uses: a.Published.Uses})
	store, err := storage.NewSchedules(ctx, a.DB)
	if err != nil {
		return err
	}
	// The scheduler publishes through the content services (so the hooks
	// see what it does) and tells the hooks of schedules made and cancelled.
	a.Schedules = &schedule.Service{Store: store, Leases: storage.NewLeases(a.DB),
		Targets: map[models.Resource]schedule.Target{
			models.ResourcePartnership: contentTarget[models.Partnership, *models.Partnership]{a.Content.Partnerships},
			models.ResourceBlock:       contentTarget[models.Block, *models.Block]{a.Content.Blocks},
			models.ResourcePage:        contentTarget[models.ContentPage, *models.ContentPage]{a.Content.Pages},
		},
		Hook: hooks.Changed, Holder: holder(), LateAfter: a.Cfg.ScheduleLateAfter,
		OnRun: ran, NewID: storage.NewScheduleID, Logger: a.Logger}
	return nil
}

// openBulk builds the bulk ingests received over HTTP: the same ingest
// service (with its change hooks) and partnership store the API uses,
// bounded as configured (a bag's zip, the bags kept while queued, what a
// bag may expand to).
func (a *App) openBulk() {
	a.Jobs = &bulk.Jobs{Store: storage.NewIngests(a.DB), Runner: a.BulkRunner(), NewID: storage.NewDocumentID,
		MaxBytes: a.Cfg.MaxIngestBytes, MaxQueuedBytes: a.Cfg.MaxQueuedIngestBytes,
		Limits:  bulk.Limits{MaxExpandedBytes: a.Cfg.MaxExpandedBytes, MaxRatio: a.Cfg.MaxCompressionRatio},
		Workers: bulk.DefaultWorkers, Logger: a.Logger}
}

// BulkRunner is a bulk ingest over this app's ingest service and stores,
// for the HTTP jobs and the `twincms ingest` command alike.
func (a *App) BulkRunner() *bulk.Runner {
	return &bulk.Runner{Ingest: a.Ingest, Documents: a.Documents, Partnerships: a.Partnerships, Locales: a.Locales, Logger: a.Logger}
}

// ensureAdmin stores the configured bootstrap token, or, when there is
// none and no admin exists, makes one and hands it to the AdminTokenOut
// writer (once). Without that writer no token is made: a host that
// authenticates its own users may never need one.
func (a *App) ensureAdmin(ctx context.Context) error {
	if a.Cfg.BootstrapToken != "" {
		return a.Tokens.EnsureBootstrap(ctx, a.Cfg.BootstrapToken)
	}
	if a.Tokens.CountAdmins() > 0 {
		return nil
	}
	if a.opts.AdminTokenOut == nil {
		a.Logger.Warn("no admin token exists: set TWINCMS_BOOTSTRAP_TOKEN (or use WithInitialAdminToken) to create one")
		return nil
	}
	_, secret, err := a.Tokens.Create(ctx, models.TokenInput{Name: "initial admin", Role: models.RoleAdmin}, "first start")
	if err != nil {
		return err
	}
	fmt.Fprintf(a.opts.AdminTokenOut, "\nInitial admin token (shown once; keep it safe):\n\n    %s\n\n", secret)
	return nil
}

// loadDemo loads the Jesenice page through the content and ingest services
// once per database, when the configuration asks for it.
func (a *App) loadDemo(ctx context.Context) error {
	if !a.Cfg.Demo {
		return nil
	}
	loader := demo.Loader{Content: a.Content, Documents: a.Ingest, Flags: storage.NewFlags(a.DB), Logger: a.Logger}
	if err := loader.LoadOnce(ctx); err != nil {
		return fmt.Errorf("demo content: %w", err)
	}
	return nil
}

// contentTarget lets schedules act on one content type through its
// content service, so the change hook sees what a schedule does.
type contentTarget[T any, P content.Item[T]] struct {
	svc *content.Service[T, P]
}

func (t contentTarget[T, P]) Current(ctx context.Context, id string) (int64, models.Status, error) {
	it, err := t.svc.Get(ctx, id)
	if err != nil {
		return 0, "", err
	}
	return it.GetMeta().Version, it.GetMeta().Status, nil
}

func (t contentTarget[T, P]) PublishVersion(ctx context.Context, id string, n, expected int64) error {
	_, err := t.svc.PublishVersion(ctx, id, n, expected)
	return err
}

func (t contentTarget[T, P]) Unpublish(ctx context.Context, id string, expected int64) error {
	_, err := t.svc.Transition(ctx, id, expected, models.ActionUnpublish)
	return err
}

// openOAI builds the OAI-PMH data provider over the published snapshot;
// its resumption tokens are signed with a key derived from the public
// link key (so every instance honours another's tokens).
func (a *App) openOAI(ctx context.Context, linkKey []byte) error {
	store, err := storage.NewHarvestRecords(ctx, a.DB)
	if err != nil {
		return err
	}
	m := hmac.New(sha256.New, linkKey)
	m.Write([]byte("twincms oai resumption tokens v1"))
	a.OAI = oai.New(oai.Config{Source: a.Published, Store: store, Key: m.Sum(nil),
		RepositoryID: a.Cfg.OAIRepositoryID, RepositoryName: a.Cfg.Organization, AdminEmail: a.Cfg.OAIAdminEmail,
		PageSize: a.Cfg.OAIPageSize, Locales: a.Locales, Logger: a.Logger})
	return nil
}

// downloadLinkTTL is the life of an admin download link: the UI follows it
// at once; minutes leave the download manager room to resume.
const downloadLinkTTL = 5 * time.Minute
