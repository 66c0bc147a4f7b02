package publish

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"

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
	return p.cached(s, cacheKey{"page", slug, v}, func(r *renderer) any { return r.page(it) })
}

// Partnerships is every published partnership in page order.
func (p *Publisher) Partnerships(_ context.Context, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	return p.cached(s, cacheKey{"partnerships", "", v}, func(r *renderer) any {
		return PublicPartnershipList{Locale: v.Locale, Items: r.partnerships()}
	})
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
	return p.cached(s, cacheKey{"partnership", slug, v}, func(r *renderer) any { return r.partnership(it) })
}

// Block is the published block key. Errors: models.ErrNotFound.
func (p *Publisher) Block(_ context.Context, key string, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	it, ok := s.blocks[key]
	if !ok {
		return nil, notPublished("block", key)
	}
	return p.cached(s, cacheKey{"block", key, v}, func(r *renderer) any { return r.block(it) })
}

func notPublished(what, key string) error {
	return fmt.Errorf("%w: no published %s %q", models.ErrNotFound, what, key)
}

// cached returns the body of k in the current window, rendering it with
// view once per snapshot and window.
func (p *Publisher) cached(s *snapshot, k cacheKey, view func(r *renderer) any) (*models.Rendered, error) {
	w := p.window(s)
	w.mu.RLock()
	r, ok := w.rendered[k]
	w.mu.RUnlock()
	if ok {
		return r, nil
	}
	r, err := p.render(s, w.index, k.view, view)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if old, ok := w.rendered[k]; ok {
		return old, nil
	}
	w.rendered[k] = r
	return r, nil
}

// render builds one body from s with the links of window idx. Its
// Last-Modified is the latest change of what it shows, or the window's
// start when later (the links changed then).
func (p *Publisher) render(s *snapshot, idx int64, v models.PublicView, view func(r *renderer) any) (*models.Rendered, error) {
	r := &renderer{locales: p.src.Locales, locale: v.Locale, s: s,
		ln: linker{links: p.links, base: v.Base, expires: p.links.Expiry(idx)}, modified: p.links.WindowStart(idx)}
	body, err := json.Marshal(view(r))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &models.Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`, LastModified: r.modified.UTC()}, nil
}
