package handlers

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// publicFile: GET /public/files/:id and /public/files/:id/:rendition.
// Public file links are twincms URLs checked by the published snapshot
// (publish.Publisher.File), which redirects to a short-lived object-store
// URL; see package publish for why they are not presigned URLs.
func (a *API) publicFile(c *fiber.Ctx) error {
	// Clones: Fiber reuses request memory; error texts carry the ids.
	id, rendition := strings.Clone(c.Params("id")), strings.Clone(c.Params("rendition"))
	u, err := a.d.Published.File(c.UserContext(), id, rendition, c.Query("exp"), c.Query("sig"), c.Query("draft") == "1")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(u.String(), fiber.StatusFound)
}
