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
	// Actor is By with its kind and current name, for the history screen.
	Actor actorView `json:"actor"`
}

func (h *contentHandlers[T, P]) versions(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	list, err := h.service.Versions(c.UserContext(), id)
	if err != nil {
		return err
	}
	refs := make([]string, len(list))
	for i, v := range list {
		refs[i] = v.By
	}
	names := h.api.actorNames(c.UserContext(), refs)
	out := make([]versionSummary, len(list))
	for i, v := range list {
		out[i] = versionSummary{v.Version, v.Action, v.At.Format("2006-01-02T15:04:05.000Z07:00"), v.By, v.Changed, names[v.By]}
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
	v, err := h.service.Version(c.UserContext(), id, n)
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
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	saved, err := h.service.Restore(c.UserContext(), id, n, expected)
	if err != nil {
		return err
	}
	return h.respond(c, fiber.StatusOK, saved)
}
