package twincms

import (
	"context"

	"github.com/jesenice/twincms/models"
)

// PublishedPartnerships are the partnerships the public site shows, in
// their order (sort, then Slovenian name), for a host's own pages: the Go
// API beside the HTTP one. Names and texts are per locale
// (Partner.Name.Resolve with the host's locale chain).
func (c *CMS) PublishedPartnerships(ctx context.Context) ([]*models.Partnership, error) {
	return c.partnerships.All(ctx, models.StatusPublished)
}

// Locales are the supported locales and the fallback chain of the
// configuration, for resolving localized texts.
func (c *CMS) Locales() models.Locales { return c.locales() }
