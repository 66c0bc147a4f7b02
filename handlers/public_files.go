package handlers

import (
	"crypto/hmac"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// Public file links are twincms URLs, not object-store presigned URLs: a
// presigned URL cannot be revoked before it expires, but withdrawing or
// purging a document must stop its links within seconds. A link carries an
// HMAC over the document, rendition and expiry (stable for a link window,
// so public bodies and their ETags stay stable); following it checks the
// signature, the expiry and that the document is still active and linked
// from published content, all from the in-memory snapshot (no database
// query), then redirects to an object-store URL presigned for
// fileRedirectTTL with the same Content-Disposition and Content-Type.
// Another instance sees a withdrawal at its next change-counter poll (2 s).

// fileRedirectTTL is the life of the presigned URL a public link
// redirects to: long enough to follow the redirect at once, short enough
// that a withdrawal cuts off even a client that keeps it.
const fileRedirectTTL = time.Minute

// publicFile: GET /public/files/:id and /public/files/:id/:rendition.
func (a *API) publicFile(c *fiber.Ctx) error {
	id, rendition := strings.Clone(c.Params("id")), strings.Clone(c.Params("rendition"))
	key, params, err := a.d.Published.resolveFile(id, rendition, c.Query("exp"), c.Query("sig"))
	if err != nil {
		return err
	}
	u, err := a.d.Published.presigner.PresignGet(c.UserContext(), key, fileRedirectTTL, params)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(u.String(), fiber.StatusFound)
}

// resolveFile checks a public link and returns the object key it grants
// with the response overrides to sign. Errors: models.ErrLinkInvalid for a
// bad signature or an expired link, ErrGone for a withdrawn document,
// ErrNotFound for one purged or no longer published.
func (p *Published) resolveFile(id, rendition, exp, sig string) (string, url.Values, error) {
	at, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !hmac.Equal([]byte(sig), []byte(fileSignature(p.linkKey, id, rendition, at))) {
		return "", nil, fmt.Errorf("%w: the link's signature does not match; take a fresh link from the public page", models.ErrLinkInvalid)
	}
	if !p.now().Before(time.Unix(at, 0)) {
		return "", nil, fmt.Errorf("%w: the link expired at %s; take a fresh link from the public page", models.ErrLinkInvalid,
			time.Unix(at, 0).UTC().Format(time.RFC3339))
	}
	s := p.snapshot()
	d, ok := s.files[id]
	switch {
	case !ok && s.withdrawn[id]:
		return "", nil, fmt.Errorf("%w: the document was withdrawn", models.ErrGone)
	case !ok:
		return "", nil, fmt.Errorf("%w: the document is not published", models.ErrNotFound)
	case rendition == "":
		return d.File.Key, downloadParams(d), nil
	}
	for _, r := range d.Renditions {
		if r.Name == rendition {
			return r.Key, url.Values{"response-content-type": {r.ContentType}}, nil
		}
	}
	return "", nil, fmt.Errorf("%w: the document has no rendition %q", models.ErrNotFound, rendition)
}
