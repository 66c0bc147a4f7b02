package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/webhooks"
	"github.com/jesenice/twincms/models"
)

// WebhookService manages webhooks and their deliveries (webhooks.Service).
type WebhookService interface {
	Create(ctx context.Context, in models.WebhookInput) (webhooks.Created, error)
	Get(ctx context.Context, id string) (models.Webhook, error)
	List(ctx context.Context) ([]models.Webhook, error)
	Update(ctx context.Context, id string, in models.WebhookInput) (models.Webhook, error)
	Delete(ctx context.Context, id string) error
	Deliveries(ctx context.Context, id string, page, perPage int) (models.List[models.Delivery], error)
	Redeliver(ctx context.Context, id, deliveryID string) (models.Delivery, error)
}

// createWebhook: POST /webhooks (admin). The secret is in this answer only.
func (a *API) createWebhook(c *fiber.Ctx) error {
	var in models.WebhookInput
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	w, err := a.d.Webhooks.Create(c.UserContext(), in)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderLocation, c.BaseURL()+strings.TrimSuffix(c.OriginalURL(), "/")+"/"+w.ID)
	return c.Status(fiber.StatusCreated).JSON(w)
}

// listWebhooks: GET /webhooks (admin), without secrets.
func (a *API) listWebhooks(c *fiber.Ctx) error {
	list, err := a.d.Webhooks.List(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(itemsOf[models.Webhook]{Items: list})
}

// getWebhook: GET /webhooks/:id (admin).
func (a *API) getWebhook(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := a.d.Webhooks.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// patchWebhook: PATCH /webhooks/:id (admin), a JSON merge patch (RFC
// 7396), sent as application/merge-patch+json or application/json like
// the content PATCHes. A null removes a field: description becomes empty;
// url, events and active cannot be removed.
func (a *API) patchWebhook(c *fiber.Ctx) error {
	fields, err := decodeJSONObject(c, a.d.MaxJSONBytes, "application/merge-patch+json")
	if err != nil {
		return err
	}
	var p models.Problems
	for _, k := range []string{"url", "events", "active"} {
		if string(fields[k]) == "null" {
			p.Add(k, "cannot be removed; send a new value")
		}
	}
	if err := p.Err(models.ErrInvalid); err != nil {
		return err
	}
	raw, _ := json.Marshal(fields)
	var in models.WebhookInput
	if err := strictDecode(raw, &in); err != nil {
		return err
	}
	if string(fields["description"]) == "null" {
		in.Description = new(string)
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	w, err := a.d.Webhooks.Update(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(w)
}

// deleteWebhook: DELETE /webhooks/:id (admin).
func (a *API) deleteWebhook(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := a.d.Webhooks.Delete(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// webhookDeliveries: GET /webhooks/:id/deliveries (admin), newest first.
func (a *API) webhookDeliveries(c *fiber.Ctx) error {
	var p models.Problems
	page, perPage := parsePaging(c.Query, &p)
	if err := p.Err(models.ErrMalformed); err != nil {
		return err
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := a.d.Webhooks.Deliveries(c.UserContext(), id, page, perPage)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// redeliver: POST /webhooks/:id/deliveries/:delivery_id/redeliver (admin).
func (a *API) redeliver(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	did := strings.Clone(c.Params("delivery_id"))
	if !strings.HasPrefix(did, "msg_") || !models.ValidID(strings.TrimPrefix(did, "msg_")) {
		return fmt.Errorf("%w: %q is not a delivery id", models.ErrNotFound, did)
	}
	d, err := a.d.Webhooks.Redeliver(c.UserContext(), id, did)
	if err != nil {
		return err
	}
	// 202: the attempt is queued; its outcome shows in the webhook's
	// deliveries, which Location names (RFC 9110 §15.3.3).
	c.Location(strings.TrimSuffix(c.Path(), "/"+did+"/redeliver"))
	return c.Status(fiber.StatusAccepted).JSON(d)
}
