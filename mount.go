package twincms

import (
	"errors"
	"io/fs"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/preview"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/tokens"
	"github.com/jesenice/twincms/web"
	"github.com/jesenice/twincms/web/admin"
)

// ErrMountedTwice is returned by Mount for a second mount of one CMS: its
// metrics and snapshot belong to one API. Two CMS instances (each with its
// own data) can be mounted under two prefixes of one host.
var ErrMountedTwice = errors.New("twincms: this CMS is already mounted")

// Mount adds the API under the WithPrefix prefix of r (the host's app or
// one of its groups). Routes and middleware go only into that prefix's
// group; anything under the prefix that matches no route is a problem+json
// 404, anything outside it is left to the host.
//
// The host app's fiber.Config governs the connection: uploads stream to
// the object store only when it sets StreamRequestBody (otherwise a body
// is buffered, and refused above its BodyLimit, by Fiber before twincms
// sees it).
func (c *CMS) Mount(r fiber.Router) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mounted {
		return ErrMountedTwice
	}
	if c.closed {
		return errors.New("twincms: Mount after Close")
	}
	c.mounted = true
	if c.opts.prefix != "" {
		r = r.Group(c.opts.prefix)
	}
	handlers.Register(r, c.deps())
	return nil
}

// Handler is a Fiber app of its own with the API at the root (the prefix
// is not used), with twincms's error handler, body limits and timeouts:
// what the twincms command serves. Like Mount, it can be made once.
func (c *CMS) Handler() (*fiber.App, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mounted {
		return nil, ErrMountedTwice
	}
	c.mounted = true
	return handlers.New(c.deps()), nil
}

// deps are the API's dependencies.
func (c *CMS) deps() handlers.Deps {
	d := handlers.Deps{
		Logger: c.logger, Tokens: tokens.Service{Store: c.tokens, Hook: c.changed},
		Webhooks: c.webhooks, Audit: c.audit, AuthRefused: c.audit.Refused, Ingests: c.jobs,
		Schedules: c.schedules, Drafts: c.published, PreviewLinks: &preview.Service{Store: storage.NewPreviewLinks(c.db), NewID: storage.NewPreviewLinkID, Hook: c.changed},
		Checks:       []handlers.Check{{Name: "database", Ping: c.db.Ready}, {Name: "object_store", Ping: c.objs.Ready}},
		Partnerships: c.content.Partnerships, Blocks: c.content.Blocks, Pages: c.content.Pages, Published: c.published,
		Locales: c.locales(), MaxJSONBytes: c.cfg.MaxJSONBytes, BodyLimit: 4 << 20,
		Documents: c.documents, PartnershipIndex: c.partnershipIndex, Ingest: c.ingest, Presigner: c.objs, LinkTTL: c.cfg.LinkTTL, S3Origin: c.objs.PublicOrigin(),
		Fixity: c.fixity, Bags: archive.Bags{Objects: c.objs, Org: c.cfg.Organization}, Originals: c.objs, Metrics: c.metrics,
	}
	if c.opts.site {
		d.Site = siteFiles()
	}
	if c.opts.admin {
		d.Admin = admin.Files
	}
	if a := c.opts.authenticate; a != nil {
		d.Authenticate = func(fc *fiber.Ctx) (models.Token, bool) {
			u, ok := a(fc)
			if !ok || u.ID == "" || !validRole(u.Role) {
				return models.Token{}, false
			}
			return models.Token{ID: "host:" + u.ID, Name: u.Name, Role: u.Role}, true
		}
	}
	return d
}

func validRole(r models.Role) bool {
	return r == models.RoleAdmin || r == models.RoleEditor || r == models.RoleArchivist
}

// siteFiles is the demo website (web/static) as served at /.
func siteFiles() fs.FS {
	sub, err := fs.Sub(web.Files, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	return sub
}
