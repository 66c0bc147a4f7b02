package handlers

import (
	"context"
	"crypto/rand"
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

// contentLister lists one content type by status for the snapshot.
type contentLister[P any] interface {
	All(ctx context.Context, status models.Status) ([]P, error)
}

// DocumentLister lists all documents for the published snapshot.
type DocumentLister interface {
	All(ctx context.Context) ([]*models.Document, error)
}

// Published is the in-memory snapshot of published content that the public
// endpoints serve from: no public request queries the database. It is
// rebuilt after local changes and when the shared change counter moves.
//
// Rendered bodies hold signed links to twincms's own file route (see
// public_files.go), so they are cached per link window: within a window
// the same body and ETag are served and nothing is signed; a new window
// renders (and signs) afresh. A window is half the link lifetime, so a
// link is never handed out with less than half its life left, far more
// than the responses' max-age. A link's signature depends only on the
// file and the window, so a rebuild that leaves a body's content alone
// leaves its bytes and ETag alone too.
type Published struct {
	partnerships contentLister[*models.Partnership]
	blocks       contentLister[*models.Block]
	pages        contentLister[*models.ContentPage]
	documents    DocumentLister
	changes      ChangeFeed
	logger       *slog.Logger

	// Presigner signs the short object-store links the file route
	// redirects to; linkKey signs the public links; linkTTL is their
	// lifetime.
	presigner Presigner
	linkKey   []byte
	linkTTL   time.Duration
	// clock is the clock; tests move it to cross link windows and expire
	// links (atomic: requests read it while a test sets it).
	clock atomic.Pointer[func() time.Time]

	cur     atomic.Pointer[snapshot]
	rebuild sync.Mutex
}

// PublishedSources are the stores the snapshot is read from.
type PublishedSources struct {
	Partnerships contentLister[*models.Partnership]
	Blocks       contentLister[*models.Block]
	Pages        contentLister[*models.ContentPage]
	Documents    DocumentLister
	Changes      ChangeFeed
	Presigner    Presigner
	// LinkKey signs public file links. Instances sharing a database must
	// share it so a link handed out by one is honoured by all; when empty,
	// a random key is made (links then verify on this process only).
	LinkKey []byte
	LinkTTL time.Duration
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
	// files are the active documents published content links to: the
	// only ones the public file route serves. withdrawn lets it answer
	// 410 rather than 404 for a document withdrawn since.
	files     map[string]*models.Document
	withdrawn map[string]bool
	window    atomic.Pointer[windowCache]
}

// windowCache holds the bodies rendered in one link window.
type windowCache struct {
	index    int64
	rendered sync.Map // cache key → *rendered
}

// rendered is a response body with its strong ETag.
type rendered struct {
	body []byte
	etag string
}

// NewPublished returns an empty snapshot holder; call Rebuild before serving.
func NewPublished(src PublishedSources, logger *slog.Logger) *Published {
	key := src.LinkKey
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		logger.Warn("no public link key given: links verify on this process only")
	}
	pub := &Published{partnerships: src.Partnerships, blocks: src.Blocks, pages: src.Pages, documents: src.Documents,
		changes: src.Changes, presigner: src.Presigner, linkKey: key, linkTTL: src.LinkTTL, logger: logger}
	pub.SetClock(time.Now)
	pub.cur.Store(&snapshot{bySlug: map[string]*models.Partnership{}, blocks: map[string]*models.Block{},
		pages: map[string]*models.ContentPage{}, documents: map[string]*models.Document{},
		files: map[string]*models.Document{}, withdrawn: map[string]bool{}})
	return pub
}

// SetClock replaces the clock (tests).
func (p *Published) SetClock(now func() time.Time) { p.clock.Store(&now) }

func (p *Published) now() time.Time { return (*p.clock.Load())() }

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
		blocks: map[string]*models.Block{}, pages: map[string]*models.ContentPage{}, documents: map[string]*models.Document{},
		files: map[string]*models.Document{}, withdrawn: map[string]bool{}}
	for _, it := range blocks {
		s.blocks[it.BlockKey] = it
	}
	for _, it := range pages {
		s.pages[it.Slug] = it
	}
	for _, d := range docs {
		switch d.Status {
		case models.DocumentActive:
			s.documents[d.ID] = d
		case models.DocumentWithdrawn:
			s.withdrawn[d.ID] = true
		}
	}
	for _, it := range parts {
		s.bySlug[it.Slug] = it
		for _, id := range linkedDocuments(it) {
			if d, ok := s.documents[id]; ok {
				s.files[id] = d
			}
		}
	}
	p.cur.Store(s)
	return nil
}

// linkedDocuments are the documents a partnership's public view links to
// (see viewPartnership): its crest and its document list.
func linkedDocuments(p *models.Partnership) []string {
	ids := make([]string, 0, len(p.Documents)+1)
	if p.CrestID != "" {
		ids = append(ids, p.CrestID)
	}
	for _, ref := range p.Documents {
		ids = append(ids, ref.DocumentID)
	}
	return ids
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
		fresh := &windowCache{index: idx}
		if s.window.CompareAndSwap(w, fresh) {
			return fresh
		}
	}
}

// windowExpiry is when the links rendered in window idx expire: one link
// lifetime after the window starts, so every link handed out in the
// window has more than half its lifetime left.
func (p *Published) windowExpiry(idx int64) time.Time {
	return time.Unix(0, idx*int64(p.windowLength())).Add(p.linkTTL).UTC().Truncate(time.Second)
}

// render returns the cached body for key in the current window, building
// it with build once per snapshot and window; base is the API's mount
// prefix, which the links include (so key must include it too).
func (p *Published) render(s *snapshot, key, base string, build func(links *linker) any) (*rendered, error) {
	w := p.currentWindow(s)
	if r, ok := w.rendered.Load(key); ok {
		return r.(*rendered), nil
	}
	body, err := json.Marshal(build(&linker{key: p.linkKey, base: base, expires: p.windowExpiry(w.index)}))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	r := &rendered{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	actual, _ := w.rendered.LoadOrStore(key, r)
	return actual.(*rendered), nil
}
