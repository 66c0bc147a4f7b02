package twincms

import (
	"context"
	"fmt"
	"os"

	"github.com/jesenice/twincms/audit"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/webhooks"
)

// openWorkflow builds the change hook's subscribers after the published
// snapshot: the audit log and the webhooks (whose own changes the audit
// log records).
func (c *CMS) openWorkflow(ctx context.Context) error {
	cfg := c.cfg
	auditStore, err := storage.NewAudit(ctx, c.db)
	if err != nil {
		return err
	}
	c.audit = audit.New(auditStore, storage.NewAuditID, c.logger, c.metrics.Registerer())
	outbox, err := storage.NewOutbox(ctx, c.db)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	c.webhooks = webhooks.New(storage.NewWebhooks(c.db), outbox, storage.NewLeases(c.db), webhooks.Options{
		AllowPrivate: cfg.WebhookAllowPrivate, Backoff: cfg.WebhookBackoff, Timeout: cfg.WebhookTimeout,
		Workers: cfg.WebhookWorkers, Holder: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), randomHex(4)),
	}, c.changed, c.logger, c.metrics.Registerer())
	c.changes = models.Hooks{c.audit.Changed, c.webhooks.Changed}
	c.fixity.OnFailed = func(ctx context.Context, doc *models.Document, _ models.Event) { c.webhooks.FixityFailed(ctx, doc) }
	return nil
}

// changed tells the change hook's subscribers (c.changes) of ch.
func (c *CMS) changed(ctx context.Context, ch models.Change) { c.changes.Changed(ctx, ch) }
