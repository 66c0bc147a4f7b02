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

// ContentStore keeps one versioned content type. Errors: models.ErrNotFound,
// ErrConflict (key taken), ErrStale (version moved on), ErrUnavailable.
type ContentStore[T any, P item[T]] interface {
	Create(ctx context.Context, it P, by string) (P, error)
	Get(ctx context.Context, id string) (P, error)
	GetByKey(ctx context.Context, key string) (P, error)
	List(ctx context.Context, q models.ListQuery) (models.List[P], error)
	All(ctx context.Context, status models.Status) ([]P, error)
	Replace(ctx context.Context, it P, expected int64, action models.Action, by string, changed []string) (P, error)
	Delete(ctx context.Context, id string, expected int64) error
	Versions(ctx context.Context, id string) ([]models.Version[T], error)
	Version(ctx context.Context, id string, n int64) (models.Version[T], error)
}

// contentHandlers serve the editor endpoints of one content type.
type contentHandlers[T any, P item[T]] struct {
	api   *API
	store ContentStore[T, P]
	// changed is told the id of every successful write so the published
	// snapshot can apply it.
	changed func(ctx context.Context, id string)
	// check, when set, validates references to other resources.
	check func(ctx context.Context, it P) error
}

// prepare is models.Prepare plus the reference check.
func (h *contentHandlers[T, P]) prepare(ctx context.Context, it P) error {
	if err := models.Prepare(it, h.api.d.Locales); err != nil {
		return err
	}
	if h.check != nil {
		return h.check(ctx, it)
	}
	return nil
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
		return err
	}
	if err := h.prepare(c.UserContext(), it); err != nil {
		return err
	}
	it, err := h.store.Create(c.UserContext(), it, actor(c))
	if err != nil {
		return err
	}
	h.changed(c.UserContext(), it.GetMeta().ID)
	c.Location(c.Path() + "/" + it.GetMeta().ID)
	return h.respond(c, fiber.StatusCreated, it)
}

// editable reads :id and If-Match and returns the current version, or
// ErrStale when the client edited another one.
func (h *contentHandlers[T, P]) editable(c *fiber.Ctx) (P, int64, error) {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return nil, 0, err
	}
	cur, err := h.store.Get(c.UserContext(), id)
	if err != nil {
		return nil, 0, err
	}
	if v := cur.GetMeta().Version; v != expected {
		return nil, 0, fmt.Errorf("%w: you edited version %d, the current one is %d", models.ErrStale, expected, v)
	}
	return cur, expected, nil
}

func (h *contentHandlers[T, P]) get(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	it, err := h.store.Get(c.UserContext(), id)
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
	list, err := h.store.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(list)
}

// patch applies a JSON merge patch (RFC 7396) to the editable fields.
func (h *contentHandlers[T, P]) patch(c *fiber.Ctx) error {
	cur, expected, err := h.editable(c)
	if err != nil {
		return err
	}
	patch, err := decodeJSONObject(c, h.api.d.MaxJSONBytes, "application/merge-patch+json")
	if err != nil {
		return err
	}
	next, err := applyPatch[T, P](cur, patch)
	if err != nil {
		return err
	}
	if err := h.prepare(c.UserContext(), next); err != nil {
		return err
	}
	changed := models.ChangedFields(cur, next)
	if len(changed) == 0 {
		return h.respond(c, fiber.StatusOK, cur) // nothing to record
	}
	saved, err := h.store.Replace(c.UserContext(), next, expected, models.ActionUpdate, actor(c), changed)
	if err != nil {
		return err
	}
	h.changed(c.UserContext(), saved.GetMeta().ID)
	return h.respond(c, fiber.StatusOK, saved)
}

// applyPatch merges patch into the editable fields of cur and decodes the
// result strictly, keeping cur's server-owned fields.
func applyPatch[T any, P item[T]](cur P, patch map[string]json.RawMessage) (P, error) {
	var base map[string]any
	b, err := json.Marshal(cur)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &base); err != nil {
		return nil, err
	}
	for _, k := range models.ServerOwnedFields {
		delete(base, k)
	}
	pb, _ := json.Marshal(patch)
	var pm map[string]any
	if err := json.Unmarshal(pb, &pm); err != nil {
		return nil, models.Hide(models.ErrMalformed, "the patch is not valid JSON", err)
	}
	merged, _ := json.Marshal(mergePatch(base, pm))
	next := P(new(T))
	if err := strictDecode(merged, next); err != nil {
		return nil, err
	}
	*next.GetMeta() = *cur.GetMeta()
	return next, nil
}

func (h *contentHandlers[T, P]) delete(c *fiber.Ctx) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	if err := h.store.Delete(c.UserContext(), id, expected); err != nil {
		return err
	}
	h.changed(c.UserContext(), id)
	return c.SendStatus(fiber.StatusNoContent)
}

// action returns the handler of publish, unpublish or archive.
func (h *contentHandlers[T, P]) action(act models.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		cur, expected, err := h.editable(c)
		if err != nil {
			return err
		}
		target, _ := act.StatusAfter()
		if cur.GetMeta().Status == target {
			return fmt.Errorf("%w: it is already %s", models.ErrConflict, target)
		}
		saved, err := h.store.Replace(c.UserContext(), cur, expected, act, actor(c), []string{"status"})
		if err != nil {
			return err
		}
		h.changed(c.UserContext(), saved.GetMeta().ID)
		return h.respond(c, fiber.StatusOK, saved)
	}
}
