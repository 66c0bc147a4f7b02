package handlers

import (
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// adminIndex serves the admin UI's page at /admin/. /admin (no slash)
// redirects there: the page names its modules and style relatively
// (app.js, style.css), which from /admin would resolve to /app.js.
func (a *API) adminIndex(c *fiber.Ctx) error {
	if p := c.Path(); !strings.HasSuffix(p, "/") {
		// Only our own path, never a host from the request: "/" + the path
		// without its leading slashes cannot become "//host".
		loc := "/" + strings.TrimLeft(p, "/") + "/"
		if q := c.Request().URI().QueryString(); len(q) > 0 {
			loc += "?" + string(q)
		}
		a.securityHeaders(c)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderLocation, loc)
		return c.SendStatus(fiber.StatusFound)
	}
	return a.sendUIFile(c, a.d.Admin, "index.html", "no-cache")
}

// adminFile serves one of the admin UI's files. no-cache: a browser
// revalidates, so an upgrade never runs old modules against a new API.
func (a *API) adminFile(c *fiber.Ctx) error {
	name := c.Params("file")
	if err := a.sendUIFile(c, a.d.Admin, name, "no-cache"); err != nil {
		return err
	}
	if name == hashWorker {
		// Only the hashing worker may compile WebAssembly (its SHA-256);
		// a worker runs under its own script's policy.
		c.Set(fiber.HeaderContentSecurityPolicy, strings.Replace(contentSecurityPolicy(a.d.S3Origin),
			"script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1))
	}
	return nil
}

// hashWorker is the admin UI's SHA-256 worker (see hashworker.js).
const hashWorker = "hashworker.js"

// sendUIFile serves one flat file of an embedded web UI with the security
// headers every page of ours carries.
func (a *API) sendUIFile(c *fiber.Ctx, files fs.FS, name, cache string) error {
	if !fs.ValidPath(name) || path.Base(name) != name {
		return fmt.Errorf("%w: no file %q", models.ErrNotFound, name)
	}
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return fmt.Errorf("%w: no file %q", models.ErrNotFound, name)
	}
	a.securityHeaders(c)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = fiber.MIMEOctetStream
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderCacheControl, cache)
	return c.Send(b)
}

// securityHeaders: the pages run only our own scripts and styles (no
// inline ones), talk to the API and to the object store (signed links,
// direct uploads), and may not be framed.
func (a *API) securityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy(a.d.S3Origin))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderXFrameOptions, "DENY")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// contentSecurityPolicy allows the object store's origin (when known) for
// images and connections besides our own.
func contentSecurityPolicy(s3Origin string) string {
	extra := ""
	if s3Origin != "" && !strings.ContainsAny(s3Origin, " ;,'\"") {
		extra = " " + s3Origin
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:" + extra +
		"; connect-src 'self'" + extra + "; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}
