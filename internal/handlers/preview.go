package handlers

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// PreviewLinkService makes, revokes and resolves draft preview links
// (package preview). Errors: ErrInvalid (lifetime), ErrNotFound (revoke),
// ErrLinkInvalid (resolve), ErrUnavailable.
type PreviewLinkService interface {
	Create(ctx context.Context, r models.Resource, id string, in models.PreviewLinkInput) (models.PreviewLink, string, error)
	Revoke(ctx context.Context, id, linkID string) error
	Resolve(ctx context.Context, token string) (models.PreviewLink, error)
}

// previewLinkCreated is the 201 of POST …/{id}/preview-links: the URL
// carries the token, shown this once.
type previewLinkCreated struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// previewRules is what the OpenAPI document says of preview links.
const previewRules = "The url opens the demo website's preview of the current draft, marked \"Osnutek — predogled / Draft preview\", " +
	"for anyone holding it, until expires_in seconds pass (default 7 days, at most 30) or the link is revoked. " +
	"Only a hash of its token is stored: the url is shown once. Previews are never cached publicly (Cache-Control: private, no-store) nor indexed (X-Robots-Tag: noindex)."

// createPreviewLink: POST /{pages|partnerships}/{id}/preview-links.
func (a *API) createPreviewLink(r models.Resource, exists func(ctx context.Context, id string) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		if err := exists(c.UserContext(), id); err != nil {
			return err
		}
		var in models.PreviewLinkInput
		if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
			return err
		}
		l, token, err := a.d.PreviewLinks.Create(c.UserContext(), r, id, in)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Location(c.Path() + "/" + l.ID)
		return c.Status(fiber.StatusCreated).JSON(previewLinkCreated{ID: l.ID, ExpiresAt: l.ExpiresAt,
			URL: c.BaseURL() + mountPrefixOf(c, "/api/v1/") + "/preview?token=" + token})
	}
}

// revokePreviewLink: DELETE /{pages|partnerships}/{id}/preview-links/{link_id}.
func (a *API) revokePreviewLink(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	linkID := strings.Clone(c.Params("link_id"))
	if !models.ValidID(linkID) {
		return models.ErrNotFound
	}
	if err := a.d.PreviewLinks.Revoke(c.UserContext(), id, linkID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// mountPrefixOf is the prefix the API is mounted under, read from the
// matched route before marker ("" at the root).
func mountPrefixOf(c *fiber.Ctx, marker string) string {
	route := c.Route().Path
	if i := strings.Index(route, marker); i > 0 {
		return route[:i]
	}
	return ""
}
