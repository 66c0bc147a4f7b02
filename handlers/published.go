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

// Published is the in-memory snapshot of published content that the public
// endpoints serve from: no public request queries the database. It is
// rebuilt after local changes and when the shared change counter moves.
type Published struct {
	partnerships ContentStore[models.Partnership, *models.Partnership]
	blocks       ContentStore[models.Block, *models.Block]
	pages        ContentStore[models.ContentPage, *models.ContentPage]
	changes      ChangeFeed
	logger       *slog.Logger

	cur     atomic.Pointer[snapshot]
	rebuild sync.Mutex
}

// snapshot is one consistent view of published content plus the response
// bodies rendered from it so far.
type snapshot struct {
	seq          int64
	partnerships []*models.Partnership // page order
	bySlug       map[string]*models.Partnership
	blocks       map[string]*models.Block
	pages        map[string]*models.ContentPage
	rendered     sync.Map // cache key → *rendered
}

// rendered is a response body with its strong ETag.
type rendered struct {
	body []byte
	etag string
}

// NewPublished returns an empty snapshot holder; call Rebuild before serving.
func NewPublished(p ContentStore[models.Partnership, *models.Partnership], b ContentStore[models.Block, *models.Block],
	pg ContentStore[models.ContentPage, *models.ContentPage], changes ChangeFeed, logger *slog.Logger) *Published {
	pub := &Published{partnerships: p, blocks: b, pages: pg, changes: changes, logger: logger}
	pub.cur.Store(&snapshot{bySlug: map[string]*models.Partnership{}, blocks: map[string]*models.Block{}, pages: map[string]*models.ContentPage{}})
	return pub
}

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
	s := &snapshot{seq: seq, partnerships: parts, bySlug: map[string]*models.Partnership{},
		blocks: map[string]*models.Block{}, pages: map[string]*models.ContentPage{}}
	for _, it := range parts {
		s.bySlug[it.Slug] = it
	}
	for _, it := range blocks {
		s.blocks[it.BlockKey] = it
	}
	for _, it := range pages {
		s.pages[it.Slug] = it
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

// render returns the cached body for key, building it with build once per
// snapshot.
func (s *snapshot) render(key string, build func() (any, error)) (*rendered, error) {
	if r, ok := s.rendered.Load(key); ok {
		return r.(*rendered), nil
	}
	v, err := build()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	r := &rendered{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	actual, _ := s.rendered.LoadOrStore(key, r)
	return actual.(*rendered), nil
}
