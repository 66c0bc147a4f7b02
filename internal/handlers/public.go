package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/jesenice/twincms/models"
)

// PublicContent is the published snapshot the public routes serve from
// (package publish): rendered bodies with their validators, and the
// checking of public file links. Errors: models.ErrNotFound (nothing
// published there); File also ErrLinkInvalid and ErrGone.
type PublicContent interface {
	Page(ctx context.Context, slug string, v models.PublicView) (*models.Rendered, error)
	Partnerships(ctx context.Context, v models.PublicView) (*models.Rendered, error)
	Partnership(ctx context.Context, slug string, v models.PublicView) (*models.Rendered, error)
	Block(ctx context.Context, key string, v models.PublicView) (*models.Rendered, error)
	File(ctx context.Context, id, rendition, exp, sig string, draft bool) (*url.URL, error)
}

// publicMaxAge is how long browsers and caches may reuse a public
// response: at most a minute, and at most a quarter of the link lifetime,
// so a cached body's links (issued with at least half their lifetime left)
// outlive it.
func publicMaxAge(linkTTL time.Duration) int {
	return int(min(time.Minute, linkTTL/4) / time.Second)
}

// publicView negotiates the response locale (?locale= or Accept-Language)
// and reads the mount prefix links are made under.
func (a *API) publicView(c *fiber.Ctx) (models.PublicView, error) {
	// Accept-Language counts only without ?locale=: not read then.
	explicit, acceptLanguage := c.Query("locale"), ""
	if explicit == "" {
		acceptLanguage = c.Get(fiber.HeaderAcceptLanguage)
	}
	loc, ok := a.d.Locales.Negotiate(explicit, acceptLanguage)
	if !ok {
		return models.PublicView{}, fmt.Errorf("%w: locale %q is not offered (have %s)", models.ErrMalformed, loc, strings.Join(a.d.Locales.Supported, ", "))
	}
	return models.PublicView{Locale: loc, Base: mountPrefix(c)}, nil
}

// Header names in fasthttp's canonical form, for SetCanonical: c.Set
// copies and normalizes the name on every call, a measurable share of the
// public routes' cost (they set six headers per response).
var (
	canonicalETag            = []byte("Etag")
	canonicalLastModified    = []byte("Last-Modified")
	canonicalCacheControl    = []byte("Cache-Control")
	canonicalVary            = []byte("Vary")
	canonicalContentLanguage = []byte("Content-Language")
	canonicalXRequestID      = []byte("X-Request-Id")
	acceptLanguage           = []byte(fiber.HeaderAcceptLanguage)
)

// sendPublic sends a rendered body with validators and caching headers,
// or 304 when the client has it (If-None-Match first, RFC 9110 §13.2.2).
// The 304 carries the same validators and caching headers as the 200.
func (a *API) sendPublic(c *fiber.Ctx, v models.PublicView, r *models.Rendered, err error) error {
	if err != nil {
		return err
	}
	h := &c.Response().Header
	h.SetCanonical(canonicalETag, utils.UnsafeBytes(r.ETag))
	h.SetCanonical(canonicalLastModified, utils.UnsafeBytes(r.LastModifiedHTTP))
	h.SetCanonical(canonicalCacheControl, a.publicCache)
	h.SetCanonical(canonicalVary, acceptLanguage)
	h.SetCanonical(canonicalContentLanguage, utils.UnsafeBytes(v.Locale))
	if notModified(c, r) {
		c.Status(fiber.StatusNotModified) // no body (SendStatus would copy its text in to be dropped)
		return nil
	}
	h.SetContentType(fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(r.Body)
}

// notModified evaluates If-None-Match, or without it If-Modified-Since.
func notModified(c *fiber.Ctx, r *models.Rendered) bool {
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		return etagListHas(inm, r.ETag)
	}
	if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !r.LastModified.After(t)
	}
	return false
}

// etagListHas tells whether an If-None-Match list names etag (weak
// comparison, "*" matches). It scans without allocating: it runs on every
// revalidation.
func etagListHas(header, etag string) bool {
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimSpace(t)
		if t == etag || t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
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
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	r, err := a.d.Published.Partnerships(c.UserContext(), v)
	return a.sendPublic(c, v, r, err)
}

func (a *API) publicPartnership(c *fiber.Ctx) error {
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	r, err := a.d.Published.Partnership(c.UserContext(), c.Params("slug"), v)
	return a.sendPublic(c, v, r, err)
}

func (a *API) publicBlock(c *fiber.Ctx) error {
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	r, err := a.d.Published.Block(c.UserContext(), c.Params("key"), v)
	return a.sendPublic(c, v, r, err)
}

func (a *API) publicPage(c *fiber.Ctx) error {
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	r, err := a.d.Published.Page(c.UserContext(), c.Params("slug"), v)
	return a.sendPublic(c, v, r, err)
}

// vocabularies lists relations, agreement kinds and areas with labels.
func (a *API) vocabularies(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(fiber.Map{"relations": models.Relations, "agreement_kinds": models.AgreementKinds, "areas": models.Areas, "locales": a.d.Locales.Supported, "fallback": a.d.Locales.Fallback})
}
