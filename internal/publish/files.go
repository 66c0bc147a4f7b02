package publish

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jesenice/twincms/models"
)

// FileRedirectTTL is the life of the presigned URL a public link
// redirects to: long enough to follow the redirect at once, short enough
// that a withdrawal cuts off even a client that keeps it.
const FileRedirectTTL = time.Minute

// File checks a public file link (see Links) and returns the object-store
// URL, presigned for FileRedirectTTL, that it grants: the original with
// its name and type (rendition "") or one rendition. Everything but the
// presigning is read from the snapshot (no database query), so a
// withdrawal stops links at once here and within Staleness elsewhere.
// Errors: models.ErrLinkInvalid for a bad signature or an expired link,
// ErrGone for a withdrawn document, ErrNotFound for one purged, no longer
// published, or without that rendition.
//
// A draft link (draft: the link carries draft=1, signed apart) is one a
// draft's preview names: its documents (a crest chosen for the draft) may
// be in no published content yet, so the document is read from the store,
// and served while it is active there: a withdrawal or purge stops it at
// once, as it stops a public link.
func (p *Publisher) File(ctx context.Context, id, rendition, exp, sig string, draft bool) (*url.URL, error) {
	if err := p.links.check(draft, id, rendition, exp, sig, p.now()); err != nil {
		return nil, err
	}
	d, ok := p.cur.Load().documents[id]
	if draft {
		stored, err := p.src.Documents.Get(ctx, id)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return nil, err
		}
		d, ok = stored, err == nil
	}
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: the document is not published", models.ErrNotFound)
	case d.Status == models.DocumentWithdrawn:
		return nil, fmt.Errorf("%w: the document was withdrawn", models.ErrGone)
	case d.Status != models.DocumentActive:
		return nil, fmt.Errorf("%w: the document is not published", models.ErrNotFound)
	case rendition == "":
		return p.src.Presigner.PresignGet(ctx, d.File.Key, FileRedirectTTL, models.DownloadParams(d))
	}
	for _, r := range d.Renditions {
		if r.Name == rendition {
			return p.src.Presigner.PresignGet(ctx, r.Key, FileRedirectTTL, url.Values{"response-content-type": {r.ContentType}})
		}
	}
	return nil, fmt.Errorf("%w: the document has no rendition %q", models.ErrNotFound, rendition)
}
