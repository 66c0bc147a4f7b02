package handlers

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/web/docs"
	"github.com/jesenice/twincms/models"
)

// apiDocs serves the readable API reference (a vendored renderer of
// /openapi.json, see web/docs).
func (a *API) apiDocs(c *fiber.Ctx) error {
	page, err := docs.Files.ReadFile("index.html")
	if err != nil {
		return err
	}
	// Absolute links from the path the page was asked under, so it works
	// at /docs and /docs/ and under any mount prefix.
	here := strings.TrimSuffix(c.Path(), "/")
	page = []byte(strings.NewReplacer(`src="redoc.standalone.js"`, `src="`+here+`/redoc.standalone.js"`,
		`spec-url="../openapi.json"`, `spec-url="`+strings.TrimSuffix(here, "/docs")+`/openapi.json"`).Replace(string(page)))
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	docsSecurityHeaders(c)
	return c.Send(page)
}

// docsSecurityHeaders: the reference runs only the vendored renderer,
// which injects its own style elements and runs its search in a blob
// worker; it reads only our own document and may not be framed.
func docsSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "+
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
}

func (a *API) apiDocsFile(c *fiber.Ctx) error { return sendDocsFile(c, c.Params("file")) }

func sendDocsFile(c *fiber.Ctx, name string) error {
	b, err := docs.Files.ReadFile(name)
	if err != nil || path.Base(name) != name {
		return models.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	docsSecurityHeaders(c)
	return c.Send(b)
}
