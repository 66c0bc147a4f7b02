package handlers

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// previewView is GET /public/preview: the current draft of the link's
// record rendered as the public API would render it once published.
type previewView struct {
	Resource  models.Resource `json:"resource"`
	Version   int64           `json:"version"`
	Status    models.Status   `json:"status"`
	ExpiresAt time.Time       `json:"expires_at"`
	// Exactly one of these, after resource.
	Page        *publicPage        `json:"page,omitempty"`
	Partnership *publicPartnership `json:"partnership,omitempty"`
}

// previewHeaders keep a preview private: no shared cache, no search
// engine, no Referer carrying the token to linked sites.
func previewHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
}

// previewPage: GET /preview, the demo website's preview page (the token
// is read by its script from the query, which access logs leave out).
func (a *API) previewPage(c *fiber.Ctx) error {
	if err := a.sendUIFile(c, a.d.Site, "preview.html", "private, no-store"); err != nil {
		return err
	}
	previewHeaders(c)
	return nil
}

// publicPreview: GET /public/preview?token=&locale=.
func (a *API) publicPreview(c *fiber.Ctx) error {
	previewHeaders(c)
	loc, err := a.publicLocale(c)
	if err != nil {
		return err
	}
	l, err := a.d.PreviewLinks.Resolve(c.UserContext(), c.Query("token"))
	if err != nil {
		return err
	}
	v, err := a.renderDraft(c, l, loc)
	if errors.Is(err, models.ErrNotFound) {
		// The record was deleted: the link leads nowhere any more.
		return fmt.Errorf("%w: the previewed record no longer exists", models.ErrLinkInvalid)
	}
	if err != nil {
		return err
	}
	v.ExpiresAt = l.ExpiresAt
	c.Set(fiber.HeaderContentLanguage, loc)
	return c.JSON(v)
}

// renderDraft renders the link's record as it is now, with the public
// views: a page with its published blocks and partnerships, a partnership
// with links to its documents.
func (a *API) renderDraft(c *fiber.Ctx, l models.PreviewLink, loc string) (previewView, error) {
	ctx := c.UserContext()
	pub := a.d.Published
	s := pub.snapshot()
	w := pub.currentWindow(s)
	ln := &linker{key: pub.linkKey, base: mountPrefixOf(c, "/api/v1/"), expires: pub.windowExpiry(w.index)}
	v := previewView{Resource: l.Resource}
	switch l.Resource {
	case models.ResourcePage:
		p, err := a.d.Pages.Get(ctx, l.ResourceID)
		if err != nil {
			return v, err
		}
		page := viewPage(a.d.Locales, loc, s, p, ln)
		v.Page, v.Version, v.Status = &page, p.Version, p.Status
	case models.ResourcePartnership:
		p, err := a.d.Partnerships.Get(ctx, l.ResourceID)
		if err != nil {
			return v, err
		}
		part := viewPartnership(a.d.Locales, loc, p, s, ln)
		v.Partnership, v.Version, v.Status = &part, p.Version, p.Status
	default:
		return v, fmt.Errorf("%w: nothing to preview", models.ErrLinkInvalid)
	}
	return v, nil
}
