package handlers

import (
	"fmt"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// siteIndex serves the demo website's page.
func (a *API) siteIndex(c *fiber.Ctx) error { return a.sendSiteFile(c, "index.html") }

// siteFile serves one of the demo website's files.
func (a *API) siteFile(c *fiber.Ctx) error { return a.sendSiteFile(c, c.Params("file")) }

func (a *API) sendSiteFile(c *fiber.Ctx, name string) error {
	if !fs.ValidPath(name) || path.Base(name) != name {
		return fmt.Errorf("%w: no file %q", models.ErrNotFound, name)
	}
	b, err := fs.ReadFile(a.d.Site, name)
	if err != nil {
		return fmt.Errorf("%w: no file %q", models.ErrNotFound, name)
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}
