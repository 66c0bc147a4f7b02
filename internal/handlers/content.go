package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// item is a pointer to a content type (partnership, block, page).
type item[T any] interface {
	*T
	models.Content
}

// ContentService is what the editor endpoints call of one content type
// (content.Service): the rules live there, these handlers only bind,
// read If-Match and answer. Errors: models.ErrNotFound, ErrConflict,
// ErrStale, ErrInvalid, ErrUnavailable.
type ContentService[T any, P item[T]] interface {
	Create(ctx context.Context, it P) (P, error)
	Check(ctx context.Context, it P) error
	Get(ctx context.Context, id string) (P, error)
	List(ctx context.Context, q models.ListQuery) (models.List[P], error)
	All(ctx context.Context, status models.Status) ([]P, error)
	Patch(ctx context.Context, id string, expected int64, patch map[string]json.RawMessage) (P, error)
	Transition(ctx context.Context, id string, expected int64, act models.Action) (P, error)
	Restore(ctx context.Context, id string, n, expected int64) (P, error)
	DiscardDraft(ctx context.Context, id string, expected int64) (P, error)
	Delete(ctx context.Context, id string, expected int64) error
	Versions(ctx context.Context, id string) ([]models.Version[T], error)
	Version(ctx context.Context, id string, n int64) (models.Version[T], error)
}

// contentHandlers serve the editor endpoints of one content type.
type contentHandlers[T any, P item[T]] struct {
	api     *API
	service ContentService[T, P]
}

func (h *contentHandlers[T, P]) respond(c *fiber.Ctx, status int, it P) error {
	c.Set(fiber.HeaderETag, etagOf(it.GetMeta().Version))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(it)
}

func etagOf(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// ifMatch reads the version a change is based on: 428 without it.
func ifMatch(c *fiber.Ctx) (int64, error) { return parseIfMatch(c.Get(fiber.HeaderIfMatch)) }

// parseIfMatch reads one strong ETag of ours ("3"; the bare 3 is taken
// too). Lists, weak tags and "*" are refused: a change names the one
// version it was made from.
func parseIfMatch(h string) (int64, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, fmt.Errorf("%w: send If-Match with the ETag of the version you edited", models.ErrVersionRequired)
	}
	if len(h) >= 2 && h[0] == '"' && h[len(h)-1] == '"' {
		h = h[1 : len(h)-1]
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 || h[0] == '+' {
		return 0, fmt.Errorf("%w: If-Match must be an ETag such as \"3\"", models.ErrMalformed)
	}
	return v, nil
}

// idAndVersion reads the :id of a change and the version it is based on.
func idAndVersion(c *fiber.Ctx) (string, int64, error) {
	id, err := pathID(c)
	if err != nil {
		return "", 0, err
	}
	v, err := ifMatch(c)
	return id, v, err
}

// pathID reads and checks the :id parameter (a copy: Fiber reuses memory).
func pathID(c *fiber.Ctx) (string, error) {
	id := strings.Clone(c.Params("id"))
	if !models.ValidID(id) {
		return "", fmt.Errorf("%w: %q is not a valid id (24 hex characters)", models.ErrNotFound, id)
	}
	return id, nil
}

func (h *contentHandlers[T, P]) create(c *fiber.Ctx) error {
	it := P(new(T))
	if err := decodeStrict(c, h.api.d.MaxJSONBytes, it); err != nil {
		if models.PartlyDecoded(err) {
			// Every error of the form at once: the rules speak of what fitted.
			err = models.MergeProblems(err, h.service.Check(c.UserContext(), it))
		}
		return err
	}
	it, err := h.service.Create(c.UserContext(), it)
	if err != nil {
		return err
	}
	c.Location(c.Path() + "/" + it.GetMeta().ID)
	return h.respond(c, fiber.StatusCreated, it)
}

func (h *contentHandlers[T, P]) get(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	it, err := h.service.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return h.respond(c, fiber.StatusOK, it)
}

func (h *contentHandlers[T, P]) list(c *fiber.Ctx) error {
	q, err := parseListQuery(c.Query)
	if err != nil {
		return err
	}
	list, err := h.service.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(list)
}

// patch applies a JSON merge patch (RFC 7396) to the editable fields.
func (h *contentHandlers[T, P]) patch(c *fiber.Ctx) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	patch, err := decodeJSONObject(c, h.api.d.MaxJSONBytes, "application/merge-patch+json")
	if err != nil {
		return err
	}
	saved, err := h.service.Patch(c.UserContext(), id, expected, patch)
	if err != nil {
		return err
	}
	return h.respond(c, fiber.StatusOK, saved)
}

func (h *contentHandlers[T, P]) delete(c *fiber.Ctx) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	if err := h.service.Delete(c.UserContext(), id, expected); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// action returns the handler of publish, unpublish or archive.
func (h *contentHandlers[T, P]) action(act models.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, expected, err := idAndVersion(c)
		if err != nil {
			return err
		}
		saved, err := h.service.Transition(c.UserContext(), id, expected, act)
		if err != nil {
			return err
		}
		return h.respond(c, fiber.StatusOK, saved)
	}
}

// discardDraft drops the draft of a published record.
func (h *contentHandlers[T, P]) discardDraft(c *fiber.Ctx) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	saved, err := h.service.DiscardDraft(c.UserContext(), id, expected)
	if err != nil {
		return err
	}
	return h.respond(c, fiber.StatusOK, saved)
}
