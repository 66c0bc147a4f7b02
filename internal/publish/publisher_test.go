package publish

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// store is an in-memory content store that counts full lists.
type store[P interface{ GetMeta() *models.Meta }] struct {
	mu      sync.Mutex
	items   map[string]P
	lists   int
	failing bool // every read fails, as with the database down
}

func (s *store[P]) Get(_ context.Context, id string) (P, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		var zero P
		return zero, models.ErrUnavailable
	}
	it, ok := s.items[id]
	if !ok {
		var zero P
		return zero, models.ErrNotFound
	}
	return it, nil
}

// Published and AllPublished: these fakes keep no drafts.
func (s *store[P]) Published(ctx context.Context, id string) (P, error) { return s.Get(ctx, id) }

func (s *store[P]) AllPublished(ctx context.Context) ([]P, error) {
	return s.All(ctx, models.StatusPublished)
}

func (s *store[P]) All(_ context.Context, st models.Status) ([]P, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return nil, models.ErrUnavailable
	}
	s.lists++
	var out []P
	for _, it := range s.items {
		if it.GetMeta().Status == st {
			out = append(out, it)
		}
	}
	return out, nil
}

type docs struct {
	mu     sync.Mutex
	items  map[string]*models.Document
	loaded []string // every id asked for by GetMany
}

func (d *docs) Get(_ context.Context, id string) (*models.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if it, ok := d.items[id]; ok {
		return it, nil
	}
	return nil, models.ErrNotFound
}

func (d *docs) GetMany(_ context.Context, ids []string) ([]*models.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []*models.Document
	for _, id := range ids {
		d.loaded = append(d.loaded, id)
		if it, ok := d.items[id]; ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// counter is an in-memory change log; Bump moves it without an entry,
// as a writer that stopped between the two leaves it.
type counter struct {
	mu      sync.Mutex
	seq     int64
	entries []models.LoggedChange
	failing bool // every call fails, as with the database down
}

func (c *counter) Bump(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failing {
		return 0, models.ErrUnavailable
	}
	c.seq++
	return c.seq, nil
}

func (c *counter) Append(ctx context.Context, r models.Resource, id string) (int64, error) {
	seq, err := c.Bump(ctx)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = append(c.entries, models.LoggedChange{Seq: seq, Resource: r, ID: id})
	return seq, nil
}

func (c *counter) Since(_ context.Context, after, upto int64) ([]models.LoggedChange, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []models.LoggedChange
	for _, e := range c.entries {
		if e.Seq > after && e.Seq <= upto {
			out = append(out, e)
		}
	}
	return out, nil
}

func (c *counter) Prune(_ context.Context, before int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = slices.DeleteFunc(c.entries, func(e models.LoggedChange) bool { return e.Seq < before })
	return nil
}

func (c *counter) Current(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failing {
		return 0, models.ErrUnavailable
	}
	return c.seq, nil
}

type presigner struct{}

func (presigner) PresignGet(_ context.Context, key string, _ time.Duration, _ url.Values) (*url.URL, error) {
	return &url.URL{Scheme: "http", Host: "store", Path: "/" + key}, nil
}

type fixture struct {
	parts   *store[*models.Partnership]
	blocks  *store[*models.Block]
	pages   *store[*models.ContentPage]
	docs    *docs
	changes *counter
	pub     *Publisher
}

func partnership(id, slug string, status models.Status, sort int, docIDs ...string) *models.Partnership {
	p := &models.Partnership{Meta: models.Meta{ID: id, Status: status}, Slug: slug, Sort: sort}
	for _, d := range docIDs {
		p.Documents = append(p.Documents, models.DocumentRef{DocumentID: d})
	}
	return p
}

func document(id string, st models.DocumentStatus) *models.Document {
	return &models.Document{ID: id, Status: st, File: models.FileFacts{Key: "originals/" + id, ContentType: "application/pdf"}}
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		parts: &store[*models.Partnership]{items: map[string]*models.Partnership{
			"p1": partnership("p1", "one", models.StatusPublished, 2, "d1"),
			"p2": partnership("p2", "two", models.StatusPublished, 1, "d2"),
			"p3": partnership("p3", "draft", models.StatusDraft, 3, "d3"),
		}},
		blocks: &store[*models.Block]{items: map[string]*models.Block{}},
		pages:  &store[*models.ContentPage]{items: map[string]*models.ContentPage{}},
		docs: &docs{items: map[string]*models.Document{"d1": document("d1", models.DocumentActive), "d2": document("d2", models.DocumentActive),
			"d3": document("d3", models.DocumentActive), "d4": document("d4", models.DocumentActive)}},
		changes: &counter{},
	}
	f.pub = New(Sources{Partnerships: f.parts, Blocks: f.blocks, Pages: f.pages, Documents: f.docs, Changes: f.changes,
		Presigner: presigner{}, Locales: models.Locales{Supported: []string{"sl"}, Fallback: []string{"sl"}},
		LinkKey: []byte("0123456789abcdef0123456789abcdef"), LinkTTL: time.Hour})
	if err := f.pub.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) slugs(t *testing.T) []string {
	t.Helper()
	r, err := f.pub.Partnerships(context.Background(), models.PublicView{Locale: "sl"})
	if err != nil {
		t.Fatal(err)
	}
	var v PublicPartnershipList
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range v.Items {
		out = append(out, p.Slug)
	}
	return out
}

// A rebuild loads the documents published partnerships refer to, and no
// other; a change re-reads what it touched and relists nothing.
func TestChangesAreAppliedWithoutARelist(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if slices.Sort(f.docs.loaded); !slices.Equal(f.docs.loaded, []string{"d1", "d2"}) {
		t.Fatalf("the rebuild loaded documents %v, want d1, d2", f.docs.loaded)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"two", "one"}) {
		t.Fatalf("partnerships %v, want page order two, one", got)
	}
	lists := f.parts.lists

	// Publishing the draft: it joins in page order, with its document.
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0, "d3", "d4")
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p3", Action: models.ActionPublish})
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two", "one"}) {
		t.Fatalf("after a publish: %v", got)
	}
	if _, err := f.pub.File(ctx, "d4", "", exp(f), sig(f, "d4"), false); err != nil {
		t.Fatalf("a newly published partnership's document: %v", err)
	}

	// Withdrawing its document: 410; purging it: 404.
	f.docs.items["d4"] = document("d4", models.DocumentWithdrawn)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d4", Action: models.ActionWithdraw})
	if _, err := f.pub.File(ctx, "d4", "", exp(f), sig(f, "d4"), false); !errors.Is(err, models.ErrGone) {
		t.Fatalf("a withdrawn document's link: %v", err)
	}
	delete(f.docs.items, "d4")
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d4", Action: models.ActionPurge})
	if _, err := f.pub.File(ctx, "d4", "", exp(f), sig(f, "d4"), false); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("a purged document's link: %v", err)
	}

	// Unpublishing: gone, and its documents' links with it.
	f.parts.items["p1"] = partnership("p1", "one", models.StatusDraft, 2, "d1")
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p1", Action: models.ActionUnpublish})
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two"}) {
		t.Fatalf("after an unpublish: %v", got)
	}
	if _, err := f.pub.File(ctx, "d1", "", exp(f), sig(f, "d1"), false); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("an unpublished partnership's document: %v", err)
	}
	// A document nothing published refers to is not even read; a new
	// one is no refresh and moves no counter.
	loaded, seq := len(f.docs.loaded), f.changes.seq
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d9", Action: models.ActionCreate})
	if len(f.docs.loaded) != loaded {
		t.Fatal("an unrelated document was loaded")
	}
	if f.changes.seq != seq {
		t.Fatal("a new document moved the change counter")
	}

	if f.parts.lists != lists {
		t.Fatalf("%d relists for single changes", f.parts.lists-lists)
	}
	if st := f.pub.Stats(); st.Full != 1 || st.Partial != 5 {
		t.Fatalf("refreshes %+v, want 1 full (the first) and 5 partial", st)
	}
}

// The shared counter: a local change keeps the snapshot current at the
// counter's new value, so the poll leaves it alone; a change made
// elsewhere moves the counter past it, and the poll rebuilds.
func TestThePollRebuildsOnlyForChangesMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p3"})
	f.pub.poll(ctx)
	if st := f.pub.Stats(); st.Full != 1 {
		t.Fatalf("a local change made the poll rebuild: %+v", st)
	}

	// Elsewhere: the store changes and the counter moves.
	f.parts.items["p2"] = partnership("p2", "two", models.StatusArchived, 1)
	_, _ = f.changes.Bump(ctx)
	// A local change now moves the counter by two: it is not current.
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceBlock, ID: "b1"})
	f.pub.poll(ctx)
	if st := f.pub.Stats(); st.Full != 2 {
		t.Fatalf("the poll did not rebuild after a change elsewhere: %+v", st)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "one"}) {
		t.Fatalf("after the rebuild: %v", got)
	}
	f.pub.poll(ctx)
	if st := f.pub.Stats(); st.Full != 2 {
		t.Fatalf("a second poll rebuilt again: %+v", st)
	}
}

func exp(f *fixture) string {
	u, _ := url.Parse(f.pub.links.URL("", "x", "", f.pub.links.Expiry(f.pub.links.Window(f.pub.now()))))
	return u.Query().Get("exp")
}

func sig(f *fixture, id string) string {
	u, _ := url.Parse(f.pub.links.URL("", id, "", f.pub.links.Expiry(f.pub.links.Window(f.pub.now()))))
	return u.Query().Get("sig")
}

// A draft renders for one request, with its documents, and the public
// snapshot stays as it was.
func TestRenderDraftLeavesThePublicSnapshotAlone(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r, err := f.pub.RenderDraft(ctx, models.ResourcePartnership, "p3", models.PublicView{Locale: "sl", Base: "/cms"})
	if err != nil {
		t.Fatal(err)
	}
	var v PublicPartnership
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatal(err)
	}
	if v.Slug != "draft" || len(v.Documents) != 1 || v.Documents[0].ID != "d3" || r.ETag == "" {
		t.Fatalf("draft body %s", r.Body)
	}
	if u := v.Documents[0].URL; !strings.HasPrefix(u, "/cms"+FilesPath+"d3?exp=") {
		t.Fatalf("draft link %s", u)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"two", "one"}) {
		t.Fatalf("the draft leaked into the public list: %v", got)
	}
	if _, err := f.pub.Partnership(ctx, "draft", models.PublicView{Locale: "sl"}); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("the draft is public: %v", err)
	}
	if _, err := f.pub.RenderDraft(ctx, models.ResourceToken, "t1", models.PublicView{Locale: "sl"}); !errors.Is(err, models.ErrMalformed) {
		t.Fatalf("a token rendered: %v", err)
	}
}
