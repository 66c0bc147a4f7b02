package twincms

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/demo"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/storage"
)

// openContent wires the published snapshot, the content services and the
// document ingest, all writes ending in the change hooks. The demo content is loaded through the
// same services when the configuration asks for it.
func (c *CMS) openContent(ctx context.Context) error {
	linkKey, err := c.publicLinkKey()
	if err != nil {
		return err
	}
	c.published = publish.New(publish.Sources{Partnerships: c.partnerships, Blocks: c.blocks, Pages: c.pages,
		Documents: c.documents, Changes: storage.NewChangeLog(c.db), Presigner: c.objs, Locales: c.locales(),
		LinkKey: linkKey, LinkTTL: c.cfg.LinkTTL, Logger: c.logger, OnRefresh: c.metrics.PublishedRefresh})
	// Every content and document write ends in these hooks: the published
	// snapshot first, then the partnership index, the audit log and the webhooks, then the
	// subscribers the options add, the scheduler last (deleting a record
	// cancels its schedules, and the cancellations it tells of follow the
	// deletion).
	hooks := append(append(models.Hooks{c.published.Changed, c.partnershipIndex.Changed, c.changed}, c.opts.hooks...),
		func(ctx context.Context, ch models.Change) { c.schedules.Changed(ctx, ch) })
	c.content = content.New(content.Config{Partnerships: c.partnerships, Blocks: c.blocks, Pages: c.pages,
		Documents: c.documents, Locales: c.locales(), Hooks: hooks})
	c.ingest = ingest.New(ingest.Deps{Objects: c.objs, Records: c.documents, Partnerships: c.partnerships,
		Hooks: hooks, NewID: storage.NewDocumentID, MaxBytes: c.cfg.MaxUploadBytes, Locales: c.locales(), Logger: c.logger,
		OnSweep: func(r ingest.SweepResult) {
			for kind, n := range r.Counts() {
				c.metrics.SweepRepairs(kind, n)
			}
		}})
	if err := c.openSchedules(ctx, hooks.Changed); err != nil {
		return err
	}
	if c.cfg.Demo {
		loader := demo.Loader{Content: c.content, Documents: c.ingest, Flags: storage.NewFlags(c.db), Logger: c.logger}
		if err := loader.LoadOnce(ctx); err != nil {
			return fmt.Errorf("demo content: %w", err)
		}
	}
	return c.published.Rebuild(ctx)
}

// Content is the content services: the one way to write partnerships,
// blocks and pages from Go (a host's own forms, imports). Writes take the
// actor from the context (models.WithActor) and pass the change hooks like
// the API's.
func (c *CMS) Content() *content.Services { return c.content }
