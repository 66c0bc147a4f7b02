package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/models"
)

// DraftRenderer renders the current version of a record as its public
// body would look once published (publish.Publisher). Errors: ErrNotFound,
// ErrMalformed, ErrUnavailable.
type DraftRenderer interface {
	RenderDraft(ctx context.Context, resource models.Resource, id string, v models.PublicView) (*models.Rendered, error)
}

// previewView documents GET /public/preview: the link's record as it is
// now, rendered as the public API renders published content. previewBody
// is what is sent (the rendered body as it came); the two must agree.
type previewView struct {
	Resource  models.Resource `json:"resource"`
	Version   int64           `json:"version"`
	Status    models.Status   `json:"status"`
	ExpiresAt time.Time       `json:"expires_at"`
	// Exactly one of these, after resource.
	Page        *publish.PublicPage        `json:"page,omitempty"`
	Partnership *publish.PublicPartnership `json:"partnership,omitempty"`
}

type previewBody struct {
	Resource    models.Resource `json:"resource"`
	Version     int64           `json:"version"`
	Status      models.Status   `json:"status"`
	ExpiresAt   time.Time       `json:"expires_at"`
	Page        json.RawMessage `json:"page,omitempty"`
	Partnership json.RawMessage `json:"partnership,omitempty"`
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
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	l, err := a.d.PreviewLinks.Resolve(ctx, c.Query("token"))
	if err != nil {
		return err
	}
	body := previewBody{Resource: l.Resource, ExpiresAt: l.ExpiresAt}
	switch l.Resource {
	case models.ResourcePage:
		p, err := a.d.Pages.Get(ctx, l.ResourceID)
		if err != nil {
			return previewGone(err)
		}
		body.Version, body.Status = p.Version, p.Status
	case models.ResourcePartnership:
		p, err := a.d.Partnerships.Get(ctx, l.ResourceID)
		if err != nil {
			return previewGone(err)
		}
		body.Version, body.Status = p.Version, p.Status
	}
	r, err := a.d.Drafts.RenderDraft(ctx, l.Resource, l.ResourceID, v)
	if err != nil {
		return previewGone(err)
	}
	if l.Resource == models.ResourcePage {
		body.Page = r.Body
	} else {
		body.Partnership = r.Body
	}
	c.Set(fiber.HeaderContentLanguage, v.Locale)
	return c.JSON(body)
}

// previewGone: a link to a record deleted since leads nowhere any more.
func previewGone(err error) error {
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("%w: the previewed record no longer exists", models.ErrLinkInvalid)
	}
	return err
}
