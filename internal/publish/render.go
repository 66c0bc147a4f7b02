package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// Rendered bodies hold signed links, so they are cached per snapshot and
// link window: within a window the same body and ETag are served and
// nothing is signed; a new window renders (and signs) afresh. A link's
// signature depends only on the file and the window, so a snapshot change
// that leaves a body's content alone leaves its bytes and ETag alone too.

// windowCache holds the bodies rendered from one snapshot in one window.
type windowCache struct {
	index    int64
	mu       sync.RWMutex
	rendered map[cacheKey]*models.Rendered
}

// cacheKey names one body: what (kind and key), in which locale, under
// which mount prefix. A struct, so a lookup allocates nothing.
type cacheKey struct {
	kind, key string
	view      models.PublicView
}

// window returns s's cache of the link window now falls in.
func (p *Publisher) window(s *snapshot) *windowCache {
	idx := p.links.Window(p.now())
	for {
		w := s.window.Load()
		if w != nil && w.index == idx {
			return w
		}
		fresh := &windowCache{index: idx, rendered: map[cacheKey]*models.Rendered{}}
		if s.window.CompareAndSwap(w, fresh) {
			return fresh
		}
	}
}

// Page is the published page slug. Errors: models.ErrNotFound.
func (p *Publisher) Page(_ context.Context, slug string, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	it, ok := s.pages[slug]
	if !ok {
		return nil, notPublished("page", slug)
	}
	w, k := p.window(s), cacheKey{"page", slug, v}
	if r := w.get(k); r != nil {
		return r, nil
	}
	r := p.renderer(s, w.index, v).keepIn(w, k)
	return r.done(r.page(it))
}

// Partnerships is every published partnership in page order.
func (p *Publisher) Partnerships(_ context.Context, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	w, k := p.window(s), cacheKey{"partnerships", "", v}
	if r := w.get(k); r != nil {
		return r, nil
	}
	r := p.renderer(s, w.index, v).keepIn(w, k)
	return r.done(PublicPartnershipList{Locale: v.Locale, Items: r.partnerships()})
}

// PublicPartnershipList is the body of GET /public/partnerships.
type PublicPartnershipList struct {
	Items  []PublicPartnership `json:"items"`
	Locale string              `json:"locale"`
}

// Partnership is the published partnership slug. Errors: models.ErrNotFound.
func (p *Publisher) Partnership(_ context.Context, slug string, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	it, ok := s.bySlug[slug]
	if !ok {
		return nil, notPublished("partnership", slug)
	}
	w, k := p.window(s), cacheKey{"partnership", slug, v}
	if r := w.get(k); r != nil {
		return r, nil
	}
	r := p.renderer(s, w.index, v).keepIn(w, k)
	return r.done(r.partnership(it))
}

// Block is the published block key. Errors: models.ErrNotFound.
func (p *Publisher) Block(_ context.Context, key string, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	it, ok := s.blocks[key]
	if !ok {
		return nil, notPublished("block", key)
	}
	w, k := p.window(s), cacheKey{"block", key, v}
	if r := w.get(k); r != nil {
		return r, nil
	}
	r := p.renderer(s, w.index, v).keepIn(w, k)
	return r.done(r.block(it))
}

func notPublished(what, key string) error {
	return fmt.Errorf("%w: no published %s %q", models.ErrNotFound, what, key)
}

// get is the body of k rendered in this window, or nil.
func (w *windowCache) get(k cacheKey) *models.Rendered {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.rendered[k]
}

// put keeps r as the body of k unless another request rendered it first
// (then that one is returned: one body per window).
func (w *windowCache) put(k cacheKey, r *models.Rendered) *models.Rendered {
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.rendered[k]; ok {
		return old
	}
	w.rendered[k] = r
	return r
}

// renderer starts a body rendered from s with the links of window idx.
// Its Last-Modified starts at the window's start (the links changed then)
// and moves to the latest change of anything it shows.
func (p *Publisher) renderer(s *snapshot, idx int64, v models.PublicView) *renderer {
	return &renderer{locales: p.src.Locales, locale: v.Locale, s: s,
		ln: linker{links: p.links, base: v.Base, expires: p.links.Expiry(idx)}, modified: p.links.WindowStart(idx)}
}

// keepIn makes done keep the body in w as k.
func (r *renderer) keepIn(w *windowCache, k cacheKey) *renderer {
	r.cache, r.key = w, k
	return r
}

// done encodes the rendered view with its validators (and keeps it in
// the window's cache when asked to).
func (r *renderer) done(view any) (*models.Rendered, error) {
	body, err := json.Marshal(view)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	modified := r.modified.UTC().Truncate(time.Second)
	out := &models.Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`,
		LastModified: modified, LastModifiedHTTP: modified.Format(http.TimeFormat)}
	if r.cache != nil {
		out = r.cache.put(r.key, out)
	}
	return out, nil
}
