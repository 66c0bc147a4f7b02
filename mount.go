package twincms

import (
	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/app"
)

// ErrMountedTwice is returned by Mount for a second mount of one CMS: its
// metrics and snapshot belong to one API. Two CMS instances (each with its
// own data) can be mounted under two prefixes of one host.
var ErrMountedTwice = app.ErrMountedTwice

// Mount adds the API under the WithPrefix prefix of r (the host's app or
// one of its groups). Routes and middleware go only into that prefix's
// group; anything under the prefix that matches no route is a problem+json
// 404, anything outside it is left to the host.
//
// The host app's fiber.Config governs the connection: uploads stream to
// the object store only when it sets StreamRequestBody (otherwise a body
// is buffered, and refused above its BodyLimit, by Fiber before twincms
// sees it).
func (c *CMS) Mount(r fiber.Router) error { return c.app.Mount(r) }

// Handler is a Fiber app of its own with the API at the root (the prefix
// is not used), with twincms's error handler, body limits and timeouts:
// what the twincms command serves. Like Mount, it can be made once.
func (c *CMS) Handler() (*fiber.App, error) { return c.app.Handler() }
