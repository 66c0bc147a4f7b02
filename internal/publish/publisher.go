// Package publish owns the published snapshot: the in-memory view of
// published content that every public request is served from (no public
// request queries the database), and the rendering of public bodies and
// their signed file links.
//
// The snapshot is fed by the change hook (Changed): a write re-reads only
// what it touched, on the instance that made it, before the request is
// answered, and logs what it touched in the shared change log. Other
// instances sharing the database read the log past their snapshot at
// their next poll (Watch, every Staleness) and re-read only what it names;
// a gap in the log (pruned, or a writer stopped between its counter bump
// and its entry) makes them relist everything instead.
package publish

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/models"
)

// ContentReader reads one content type. Errors: models.ErrNotFound,
// ErrUnavailable.
//
// Get reads the working copy (a draft preview shows it); Published and
// AllPublished the published content, which while a record has a draft is
// its published version's (storage.Content decides which).
type ContentReader[P any] interface {
	Get(ctx context.Context, id string) (P, error)
	Published(ctx context.Context, id string) (P, error)
	AllPublished(ctx context.Context) ([]P, error)
}

// DocumentReader reads document records. Get's errors: models.ErrNotFound,
// ErrUnavailable; GetMany leaves out ids it does not find.
type DocumentReader interface {
	Get(ctx context.Context, id string) (*models.Document, error)
	GetMany(ctx context.Context, ids []string) ([]*models.Document, error)
}

// ChangeLog is the content change counter shared by all instances, with a
// log of what each of its values was for (storage.ChangeLog). Errors:
// ErrUnavailable.
type ChangeLog interface {
	// Current is the counter's value.
	Current(ctx context.Context) (int64, error)
	// Append moves the counter and logs resource and id under the new
	// value, which it returns; a value with an error means the entry was
	// not written, 0 that the counter did not move.
	Append(ctx context.Context, resource models.Resource, id string) (int64, error)
	// Since lists the entries in (after, upto], in order.
	Since(ctx context.Context, after, upto int64) ([]models.LoggedChange, error)
	// Prune removes the entries below before.
	Prune(ctx context.Context, before int64) error
}

// Presigner signs the short object-store links a public file link
// redirects to.
type Presigner interface {
	PresignGet(ctx context.Context, key string, ttl time.Duration, params url.Values) (*url.URL, error)
}

// Sources is what a Publisher reads from and how it signs.
type Sources struct {
	Partnerships ContentReader[*models.Partnership]
	Blocks       ContentReader[*models.Block]
	Pages        ContentReader[*models.ContentPage]
	Documents    DocumentReader
	Changes      ChangeLog
	Presigner    Presigner
	Locales      models.Locales
	// LinkKey signs public file links; instances sharing a database must
	// share it. When empty a random key is made (links then verify on
	// this process only).
	LinkKey []byte
	LinkTTL time.Duration
	Logger  *slog.Logger
	// OnRefresh, when set, is told of every snapshot refresh: "full" (a
	// relist of all published content) or "partial" (one change applied:
	// each one made here, even one with nothing to change such as a new
	// upload, and each one read from the change log).
	OnRefresh func(kind string)
}

// Staleness is how long another instance may serve content from before a
// change made elsewhere (Watch's poll interval), plus the poll's own
// reads; a gap in the change log adds gapWait and a relist.
const Staleness = 2 * time.Second

// Publisher holds the published snapshot and renders public bodies.
type Publisher struct {
	src    Sources
	links  Links
	logger *slog.Logger

	// clock is the clock; tests move it to cross link windows and expire
	// links (atomic: requests read it while a test sets it).
	clock atomic.Pointer[func() time.Time]
	cur   atomic.Pointer[snapshot]
	// update serializes snapshot changes (requests never wait for it);
	// busy counts those holding or waiting for it (see lock).
	update sync.Mutex
	busy   atomic.Int64
	full   atomic.Int64
	parts  atomic.Int64
	// log is what this instance wrote to the change log (see follow.go).
	log logState
	// relistDue is set when a local change could be neither applied nor
	// relisted: the next poll relists (its own log entry would be skipped).
	relistDue atomic.Bool
}

// New returns a Publisher with an empty snapshot; call Rebuild before
// serving.
func New(src Sources) *Publisher {
	if src.Logger == nil {
		src.Logger = slog.New(slog.DiscardHandler)
	}
	key := src.LinkKey
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
		src.Logger.Warn("no public link key given: links verify on this process only")
	}
	p := &Publisher{src: src, links: NewLinks(key, src.LinkTTL), logger: src.Logger, log: logState{own: map[int64]bool{}}}
	p.SetClock(time.Now)
	p.cur.Store(newSnapshot(0, nil, nil, nil))
	return p
}

// SetClock replaces the clock (tests).
func (p *Publisher) SetClock(now func() time.Time) { p.clock.Store(&now) }

func (p *Publisher) now() time.Time { return (*p.clock.Load())() }

// Stats counts snapshot refreshes since start: full relists and single
// changes applied.
type Stats struct{ Full, Partial int64 }

// Stats returns the refresh counts.
func (p *Publisher) Stats() Stats { return Stats{Full: p.full.Load(), Partial: p.parts.Load()} }

func (p *Publisher) refreshed(kind string, n *atomic.Int64) {
	n.Add(1)
	if p.src.OnRefresh != nil {
		p.src.OnRefresh(kind)
	}
}

// Rebuild reads all published content, and the documents it refers to,
// into a new snapshot. The counter is read first: a change that lands
// meanwhile moves it again and the next poll rebuilds.
func (p *Publisher) Rebuild(ctx context.Context) error {
	p.lock()
	defer p.unlock()
	return p.rebuild(ctx)
}

// lock takes the update lock. busy counts the caller from before it waits
// until after its snapshot is stored, so that a document change seeing
// busy at zero and no reference in the current snapshot knows no update
// has read that document before the change was stored (Changed).
func (p *Publisher) lock() {
	p.busy.Add(1)
	p.update.Lock()
}

func (p *Publisher) unlock() {
	p.update.Unlock()
	p.busy.Add(-1)
}

func (p *Publisher) rebuild(ctx context.Context) error {
	seq, err := p.src.Changes.Current(ctx)
	if err != nil {
		return err
	}
	parts, err := p.src.Partnerships.AllPublished(ctx)
	if err != nil {
		return err
	}
	blocks, err := p.src.Blocks.AllPublished(ctx)
	if err != nil {
		return err
	}
	pages, err := p.src.Pages.AllPublished(ctx)
	if err != nil {
		return err
	}
	s := newSnapshot(seq, parts, blocks, pages)
	if err := p.loadDocuments(ctx, s); err != nil {
		return err
	}
	p.cur.Store(s)
	p.refreshed("full", &p.full)
	return nil
}

// loadDocuments loads the documents s's partnerships refer to that it
// does not hold yet, and drops those no longer referred to.
//
// Two rounds: the documents shown, then the accessible alternatives of
// those just loaded (an alternative's own alternative is not published).
func (p *Publisher) loadDocuments(ctx context.Context, s *snapshot) error {
	for range 2 {
		missing := s.missingDocuments()
		if len(missing) == 0 {
			return nil
		}
		docs, err := p.src.Documents.GetMany(ctx, missing)
		if err != nil {
			return err
		}
		for _, d := range docs {
			s.documents[d.ID] = d
		}
	}
	return nil
}

// Changed is the change hook (a models.ChangeHook): it applies one write
// to the snapshot by re-reading what it touched, then logs it in the
// shared change log for the other instances. Called after the write is
// stored and before the request is answered, so the writer reads its own
// write. A change it cannot apply (store unreachable) falls back to a full
// rebuild; failing that, the next poll retries.
//
// A document change that no published content here refers to takes no
// lock: a new upload is referred to by nothing anywhere (content can name
// only documents that exist), so it is neither applied nor logged; any
// other such change is logged without the lock, since another instance's
// snapshot may be ahead of this one's and refer to it.
func (p *Publisher) Changed(ctx context.Context, c models.Change) {
	switch c.Resource {
	case models.ResourcePartnership, models.ResourceBlock, models.ResourcePage:
	case models.ResourceDocument:
		if c.Action == models.ActionCreate {
			p.refreshed("partial", &p.parts) // applied: nothing to change
			return
		}
		// busy first: an update that read the document before this
		// change was stored is still counted, or its snapshot is current.
		if p.busy.Load() == 0 && !p.cur.Load().refers(c.ID) {
			p.logChange(ctx, c, nil)
			p.refreshed("partial", &p.parts)
			return
		}
	default:
		return // tokens, webhooks, schedules: nothing public
	}
	p.lock()
	defer p.unlock()
	cur := p.cur.Load()
	next, err := p.apply(ctx, cur, c)
	if err != nil {
		p.logger.Warn("published snapshot: change not applied, rebuilding", "resource", c.Resource, "id", c.ID, "err", err)
		if err := p.rebuild(ctx); err != nil {
			p.logger.Warn("published snapshot not rebuilt; relisting at the next poll", "err", err)
			p.relistDue.Store(true)
		}
		p.logChange(ctx, c, nil)
		return
	}
	p.logChange(ctx, c, next)
	p.cur.Store(next)
	p.refreshed("partial", &p.parts)
}

// apply returns a copy of cur with c applied.
func (p *Publisher) apply(ctx context.Context, cur *snapshot, c models.Change) (*snapshot, error) {
	if c.ID == "" {
		return nil, errors.New("a change without an id")
	}
	next := cur.clone()
	switch c.Resource {
	case models.ResourcePartnership:
		it, err := current(ctx, p.src.Partnerships, c.ID)
		if err != nil {
			return nil, err
		}
		next.putPartnership(c.ID, it)
		return next, p.loadDocuments(ctx, next)
	case models.ResourceBlock:
		it, err := current(ctx, p.src.Blocks, c.ID)
		next.putBlock(c.ID, it)
		return next, err
	case models.ResourcePage:
		it, err := current(ctx, p.src.Pages, c.ID)
		next.putPage(c.ID, it)
		return next, err
	}
	// A document: only one published content refers to matters.
	if _, ok := next.documents[c.ID]; !ok {
		return next, nil
	}
	d, err := p.src.Documents.Get(ctx, c.ID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		delete(next.documents, c.ID) // purged
	case err != nil:
		return nil, err
	default:
		next.documents[c.ID] = d
		// Its accessible alternative may be new. (One no longer named
		// stays until the next partnership change or rebuild drops it.)
		if d.Alternative != nil && d.Alternative.DocumentID != "" {
			if _, ok := next.documents[d.Alternative.DocumentID]; !ok {
				alts, err := p.src.Documents.GetMany(ctx, []string{d.Alternative.DocumentID})
				if err != nil {
					return nil, err
				}
				for _, a := range alts {
					next.documents[a.ID] = a
				}
			}
		}
	}
	return next, nil
}

// current reads id's published content from r; nil when it no longer
// exists.
func current[P any](ctx context.Context, r ContentReader[*P], id string) (*P, error) {
	it, err := r.Published(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return nil, nil
	}
	return it, err
}
