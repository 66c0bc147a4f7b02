package handlers

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// versionSummary is a history entry without its snapshot.
type versionSummary struct {
	Version int64         `json:"version"`
	Action  models.Action `json:"action"`
	At      string        `json:"at"`
	By      string        `json:"by"`
	Changed []string      `json:"changed"`
}

func (h *contentHandlers[T, P]) versions(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := h.store.Versions(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := make([]versionSummary, len(list))
	for i, v := range list {
		out[i] = versionSummary{v.Version, v.Action, v.At.Format("2006-01-02T15:04:05.000Z07:00"), v.By, v.Changed}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"items": out})
}

func versionParam(c *fiber.Ctx) (int64, error) {
	n, err := strconv.ParseInt(c.Params("version"), 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%w: version must be a positive integer", models.ErrNotFound)
	}
	return n, nil
}

func (h *contentHandlers[T, P]) version(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	v, err := h.store.Version(c.UserContext(), id, n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// restore makes an earlier version's content the new current version; the
// status stays as it is (restoring text does not publish it).
func (h *contentHandlers[T, P]) restore(c *fiber.Ctx) error {
	n, err := versionParam(c)
	if err != nil {
		return err
	}
	cur, expected, err := h.editable(c)
	if err != nil {
		return err
	}
	old, err := h.store.Version(c.UserContext(), cur.GetMeta().ID, n)
	if err != nil {
		return err
	}
	next := P(&old.Snapshot)
	*next.GetMeta() = *cur.GetMeta()
	if err := h.prepare(c.UserContext(), next); err != nil {
		return err
	}
	changed := models.ChangedFields(cur, next)
	saved, err := h.store.Replace(c.UserContext(), next, expected, models.ActionRestore, actor(c), changed)
	if err != nil {
		return err
	}
	h.changed(c.UserContext(), saved.GetMeta().ID)
	return h.respond(c, fiber.StatusOK, saved)
}
