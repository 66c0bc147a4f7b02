package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/models"
)

// ChangeFeed is a content change counter shared by all instances.
type ChangeFeed interface {
	Bump(ctx context.Context) (int64, error)
	Current(ctx context.Context) (int64, error)
}

// DocumentLister lists all documents for the published snapshot.
type DocumentLister interface {
	All(ctx context.Context) ([]*models.Document, error)
}

// Published is the in-memory snapshot of published content that the public
// endpoints serve from: no public request queries the database. It is
// rebuilt after local changes and when the shared change counter moves.
//
// Rendered bodies hold signed links, so they are cached per link window:
// within a window the same body and ETag are served and nothing is signed;
// a new window renders (and signs) afresh. A window is half the link
// lifetime, so a link is never handed out with less than half its life
// left, far more than the responses' max-age.
type Published struct {
	partnerships ContentStore[models.Partnership, *models.Partnership]
	blocks       ContentStore[models.Block, *models.Block]
	pages        ContentStore[models.ContentPage, *models.ContentPage]
	documents    DocumentLister
	changes      ChangeFeed
	logger       *slog.Logger

	// Presigner signs public links; LinkTTL is their lifetime.
	presigner Presigner
	linkTTL   time.Duration
	// now is the clock; tests move it to cross link windows.
	now func() time.Time

	cur     atomic.Pointer[snapshot]
	rebuild sync.Mutex
}

// PublishedSources are the stores the snapshot is read from.
type PublishedSources struct {
	Partnerships ContentStore[models.Partnership, *models.Partnership]
	Blocks       ContentStore[models.Block, *models.Block]
	Pages        ContentStore[models.ContentPage, *models.ContentPage]
	Documents    DocumentLister
	Changes      ChangeFeed
	Presigner    Presigner
	LinkTTL      time.Duration
}

// snapshot is one consistent view of published content plus the response
// bodies rendered from it in the current link window.
type snapshot struct {
	seq          int64
	partnerships []*models.Partnership // page order
	bySlug       map[string]*models.Partnership
	blocks       map[string]*models.Block
	pages        map[string]*models.ContentPage
	documents    map[string]*models.Document // active documents only
	window       atomic.Pointer[windowCache]
}

// windowCache holds the bodies rendered in one link window.
type windowCache struct {
	index    int64
	start    time.Time
	rendered sync.Map // cache key → *rendered
}

// rendered is a response body with its strong ETag.
type rendered struct {
	body []byte
	etag string
}

// NewPublished returns an empty snapshot holder; call Rebuild before serving.
func NewPublished(src PublishedSources, logger *slog.Logger) *Published {
	pub := &Published{partnerships: src.Partnerships, blocks: src.Blocks, pages: src.Pages, documents: src.Documents,
		changes: src.Changes, presigner: src.Presigner, linkTTL: src.LinkTTL, logger: logger, now: time.Now}
	pub.cur.Store(&snapshot{bySlug: map[string]*models.Partnership{}, blocks: map[string]*models.Block{},
		pages: map[string]*models.ContentPage{}, documents: map[string]*models.Document{}})
	return pub
}

// SetClock replaces the clock (tests).
func (p *Published) SetClock(now func() time.Time) { p.now = now }

// Rebuild reads all published content into a new snapshot. The counter is
// read first: a change that lands meanwhile moves it again and the next
// poll rebuilds.
func (p *Published) Rebuild(ctx context.Context) error {
	p.rebuild.Lock()
	defer p.rebuild.Unlock()
	seq, err := p.changes.Current(ctx)
	if err != nil {
		return err
	}
	parts, err := p.partnerships.All(ctx, models.StatusPublished)
	if err != nil {
		return err
	}
	blocks, err := p.blocks.All(ctx, models.StatusPublished)
	if err != nil {
		return err
	}
	pages, err := p.pages.All(ctx, models.StatusPublished)
	if err != nil {
		return err
	}
	docs, err := p.documents.All(ctx)
	if err != nil {
		return err
	}
	s := &snapshot{seq: seq, partnerships: parts, bySlug: map[string]*models.Partnership{},
		blocks: map[string]*models.Block{}, pages: map[string]*models.ContentPage{}, documents: map[string]*models.Document{}}
	for _, it := range parts {
		s.bySlug[it.Slug] = it
	}
	for _, it := range blocks {
		s.blocks[it.BlockKey] = it
	}
	for _, it := range pages {
		s.pages[it.Slug] = it
	}
	for _, d := range docs {
		if d.Status == models.DocumentActive {
			s.documents[d.ID] = d
		}
	}
	p.cur.Store(s)
	return nil
}

// Changed records a local content change and rebuilds at once, so an
// editor sees the public result of a publish immediately.
func (p *Published) Changed(ctx context.Context) {
	if _, err := p.changes.Bump(ctx); err != nil {
		p.logger.Warn("content change counter not bumped", "err", err)
	}
	if err := p.Rebuild(ctx); err != nil {
		p.logger.Warn("published snapshot not rebuilt", "err", err)
	}
}

// Watch polls the change counter until ctx ends and rebuilds when another
// instance changed content.
func (p *Published) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			seq, err := p.changes.Current(ctx)
			if err != nil {
				if ctx.Err() == nil {
					p.logger.Warn("content change counter unreadable", "err", err)
				}
				continue
			}
			if seq != p.cur.Load().seq {
				if err := p.Rebuild(ctx); err != nil && ctx.Err() == nil {
					p.logger.Warn("published snapshot not rebuilt", "err", err)
				}
			}
		}
	}
}

func (p *Published) snapshot() *snapshot { return p.cur.Load() }

// windowLength is half the link lifetime (see Published).
func (p *Published) windowLength() time.Duration { return p.linkTTL / 2 }

// currentWindow returns the cache of the link window now falls in.
func (p *Published) currentWindow(s *snapshot) *windowCache {
	now := p.now()
	idx := now.UnixNano() / int64(p.windowLength())
	for {
		w := s.window.Load()
		if w != nil && w.index == idx {
			return w
		}
		fresh := &windowCache{index: idx, start: now}
		if s.window.CompareAndSwap(w, fresh) {
			return fresh
		}
	}
}

// render returns the cached body for key in the current window, building
// it with build once per snapshot and window.
func (p *Published) render(s *snapshot, key string, build func(links *linker) (any, error)) (*rendered, error) {
	w := p.currentWindow(s)
	if r, ok := w.rendered.Load(key); ok {
		return r.(*rendered), nil
	}
	v, err := build(&linker{p: p, at: p.now()})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	r := &rendered{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	actual, _ := w.rendered.LoadOrStore(key, r)
	return actual.(*rendered), nil
}
