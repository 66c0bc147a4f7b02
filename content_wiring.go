package twincms

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/demo"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/storage"
)

// openContent wires the content services and the published snapshot:
// every content write ends in the change hooks, the snapshot's first, then
// the subscribers the options add. The demo content is loaded through the
// same services when the configuration asks for it.
func (c *CMS) openContent(ctx context.Context) error {
	linkKey, err := c.publicLinkKey()
	if err != nil {
		return err
	}
	c.published = publish.New(publish.Sources{Partnerships: c.partnerships, Blocks: c.blocks, Pages: c.pages,
		Documents: c.documents, Changes: storage.NewChanges(c.db), Presigner: c.objs, Locales: c.locales(),
		LinkKey: linkKey, LinkTTL: c.cfg.LinkTTL, Logger: c.logger, OnRefresh: c.metrics.PublishedRefresh})
	c.content = content.New(content.Config{Partnerships: c.partnerships, Blocks: c.blocks, Pages: c.pages,
		Documents: c.documents, Locales: c.locales(), Hooks: append(models.Hooks{c.published.Changed}, c.opts.hooks...)})
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
