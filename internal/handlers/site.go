package handlers

import (
	"github.com/gofiber/fiber/v2"
)

// siteIndex serves the demo website's page.
func (a *API) siteIndex(c *fiber.Ctx) error {
	return a.sendUIFile(c, a.d.Site, "index.html", "public, max-age=300")
}

// siteFile serves one of the demo website's files.
func (a *API) siteFile(c *fiber.Ctx) error {
	return a.sendUIFile(c, a.d.Site, c.Params("file"), "public, max-age=300")
}

// siteStatement serves the demo website's accessibility statement page
// (it reads GET /api/v1/public/accessibility-statement).
func (a *API) siteStatement(c *fiber.Ctx) error {
	return a.sendUIFile(c, a.d.Site, "izjava.html", "public, max-age=300")
}
