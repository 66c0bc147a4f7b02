package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// publicMaxAge is how long browsers and caches may reuse a public
// response: at most a minute, and at most a quarter of the link lifetime,
// so a cached body's links (issued with at least half their lifetime left)
// outlive it.
func (a *API) publicMaxAge() int {
	return int(min(time.Minute, a.d.LinkTTL/4) / time.Second)
}

// publicLocale negotiates the response locale: ?locale= or Accept-Language.
func (a *API) publicLocale(c *fiber.Ctx) (string, error) {
	loc, ok := a.d.Locales.Negotiate(c.Query("locale"), c.Get(fiber.HeaderAcceptLanguage))
	if !ok {
		return "", fmt.Errorf("%w: locale %q is not offered (have %s)", models.ErrMalformed, loc, strings.Join(a.d.Locales.Supported, ", "))
	}
	return loc, nil
}

// sendPublic sends a cached public body with validators and caching
// headers, or 304 when the client has it.
func (a *API) sendPublic(c *fiber.Ctx, locale string, r *rendered) error {
	c.Set(fiber.HeaderETag, r.etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age="+strconv.Itoa(a.publicMaxAge()))
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderContentLanguage, locale)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagListHas(inm, r.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(r.body)
}

func etagListHas(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == etag || t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// servePublic negotiates the locale, finds the item in the snapshot and
// sends its body, rendered once per snapshot, locale and link window.
func (a *API) servePublic(c *fiber.Ctx, key string, find func(s *snapshot) (bool, func(loc string, ln *linker) any)) error {
	loc, err := a.publicLocale(c)
	if err != nil {
		return err
	}
	pub := a.d.Published
	s := pub.snapshot()
	ok, build := find(s)
	if !ok {
		return fmt.Errorf("%w: nothing published at %s", models.ErrNotFound, c.Path())
	}
	base := mountPrefix(c)
	r, err := pub.render(s, base+"|"+key+"|"+loc, base, func(ln *linker) any { return build(loc, ln) })
	if err != nil {
		return err
	}
	return a.sendPublic(c, loc, r)
}

// mountPrefix is the prefix the API is mounted under ("" at the root),
// read from the matched public route, so links work under /cms as well.
func mountPrefix(c *fiber.Ctx) string {
	route := c.Route().Path
	if i := strings.LastIndex(route, "/api/v1/public/"); i > 0 {
		return route[:i]
	}
	return ""
}

func (a *API) publicPartnerships(c *fiber.Ctx) error {
	return a.servePublic(c, "partnerships", func(s *snapshot) (bool, func(string, *linker) any) {
		return true, func(loc string, ln *linker) any {
			items := make([]publicPartnership, len(s.partnerships))
			for i, p := range s.partnerships {
				items[i] = viewPartnership(a.d.Locales, loc, p, s, ln)
			}
			return fiber.Map{"locale": loc, "items": items}
		}
	})
}

func (a *API) publicPartnership(c *fiber.Ctx) error {
	slug := c.Params("slug")
	return a.servePublic(c, "partnership|"+slug, func(s *snapshot) (bool, func(string, *linker) any) {
		p, ok := s.bySlug[slug]
		return ok, func(loc string, ln *linker) any { return viewPartnership(a.d.Locales, loc, p, s, ln) }
	})
}

func (a *API) publicBlock(c *fiber.Ctx) error {
	key := c.Params("key")
	return a.servePublic(c, "block|"+key, func(s *snapshot) (bool, func(string, *linker) any) {
		b, ok := s.blocks[key]
		return ok, func(loc string, _ *linker) any { return viewBlock(a.d.Locales, loc, b) }
	})
}

func (a *API) publicPage(c *fiber.Ctx) error {
	slug := c.Params("slug")
	return a.servePublic(c, "page|"+slug, func(s *snapshot) (bool, func(string, *linker) any) {
		p, ok := s.pages[slug]
		return ok, func(loc string, ln *linker) any { return viewPage(a.d.Locales, loc, s, p, ln) }
	})
}

// vocabularies lists relations, agreement kinds and areas with labels.
func (a *API) vocabularies(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(fiber.Map{"relations": models.Relations, "agreement_kinds": models.AgreementKinds, "areas": models.Areas, "locales": a.d.Locales.Supported, "fallback": a.d.Locales.Fallback})
}

func itoaInt(i int) string { return strconv.Itoa(i) }
