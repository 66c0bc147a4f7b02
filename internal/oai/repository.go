// Package oai is the OAI-PMH 2.0 data provider at /oai: the published
// partnerships and the public documents they show, as oai_dc records, for
// harvesters such as the national library's dLib.si (the aggregator for
// Europeana).
//
// Records live in their own store (storage.HarvestRecords) beside the
// published snapshot: Sync compares the snapshot with the store and moves
// a record's datestamp only when its metadata or sets changed, so a
// selective harvest (from=) returns exactly what changed. A record whose
// item leaves public view (unpublished, withdrawn, purged, no longer
// shown) stays as a deleted record: deletedRecord is "persistent",
// because the aggregator must learn of withdrawals however late it
// harvests.
package oai

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/models"
)

// Source is the published snapshot (publish.Publisher).
type Source interface {
	Harvest() publish.Harvestable
}

// Store keeps the records (storage.HarvestRecords). Errors:
// models.ErrNotFound (Get), ErrUnavailable.
type Store interface {
	All(ctx context.Context) ([]models.HarvestRecord, error)
	Put(ctx context.Context, r models.HarvestRecord) error
	Get(ctx context.Context, id string) (models.HarvestRecord, error)
	List(ctx context.Context, q models.HarvestQuery) ([]models.HarvestRecord, error)
	Count(ctx context.Context, q models.HarvestQuery) (int64, error)
	Earliest(ctx context.Context) (time.Time, error)
}

// Config is what a Repository serves and how.
type Config struct {
	Source Source
	Store  Store
	// Key signs resumption tokens.
	Key []byte
	// RepositoryID is the domain name in every identifier
	// (oai:<RepositoryID>:partnership/<id>).
	RepositoryID   string
	RepositoryName string
	AdminEmail     string
	// PageSize is how many records or headers one list response holds.
	PageSize int
	Locales  models.Locales
	// Now is the clock (tests); nil is time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// TokenTTL is how long a resumption token is honoured.
const TokenTTL = time.Hour

// Repository answers OAI-PMH requests.
type Repository struct {
	cfg Config
	// mu serializes Sync; known is the store as this process last wrote
	// or read it.
	mu    sync.Mutex
	known map[string]models.HarvestRecord
}

// New returns a Repository.
func New(cfg Config) *Repository {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	return &Repository{cfg: cfg}
}

func (r *Repository) now() time.Time { return r.cfg.Now().UTC().Truncate(time.Second) }

// item is one live record: what the snapshot shows now.
type item struct {
	id   string
	sets []string
	dc   func(base string) []dcField
}

// items are the live records of one snapshot, by identifier.
func (r *Repository) items(h publish.Harvestable) map[string]item {
	out := make(map[string]item, len(h.Partnerships)+len(h.Documents))
	for _, p := range h.Partnerships {
		docs := []*models.Document{}
		for _, d := range h.Documents {
			if slices.Contains(h.PartnershipsOf[d.ID], p) {
				docs = append(docs, d)
			}
		}
		it := item{id: r.identifier("partnership", p.ID), sets: withParents("partnership:"+p.Slug, "kind:partnership")}
		it.dc = func(base string) []dcField { return r.partnershipDC(p, docs, base) }
		out[it.id] = it
	}
	for _, d := range h.Documents {
		parts := h.PartnershipsOf[d.ID]
		specs := []string{"kind:" + string(d.Kind)}
		for _, p := range parts {
			specs = append(specs, "partnership:"+p.Slug)
		}
		it := item{id: r.identifier("document", d.ID), sets: withParents(specs...)}
		it.dc = func(base string) []dcField { return r.documentDC(d, parts, base) }
		out[it.id] = it
	}
	return out
}

// withParents lists specs and their parent sets, sorted, once each.
func withParents(specs ...string) []string {
	var out []string
	for _, s := range specs {
		for i := range s {
			if s[i] == ':' {
				out = append(out, s[:i])
			}
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (r *Repository) identifier(typ, id string) string {
	return "oai:" + r.cfg.RepositoryID + ":" + typ + "/" + id
}

// fingerprint hashes what a harvester receives of it (metadata, sets).
func (it item) fingerprint() string {
	h := sha256.New()
	for _, s := range it.sets {
		h.Write([]byte(s + "\x00"))
	}
	for _, f := range it.dc("") {
		h.Write([]byte(f.name + "\x00" + f.lang + "\x00" + f.value + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Sync brings the store in line with the published snapshot: new and
// changed records get the current second as datestamp, records whose item
// left public view become deleted records, unchanged ones keep theirs.
// It returns the live items it compared.
func (r *Repository) Sync(ctx context.Context) (map[string]item, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	items := r.items(r.cfg.Source.Harvest())
	if r.known == nil {
		all, err := r.cfg.Store.All(ctx)
		if err != nil {
			return nil, err
		}
		r.known = make(map[string]models.HarvestRecord, len(all))
		for _, rec := range all {
			r.known[rec.ID] = rec
		}
	}
	now := r.now()
	for id, it := range items {
		hash := it.fingerprint()
		if old, ok := r.known[id]; ok && !old.Deleted && old.Hash == hash {
			continue
		}
		if err := r.put(ctx, models.HarvestRecord{ID: id, Datestamp: now, Sets: it.sets, Hash: hash}); err != nil {
			return nil, err
		}
	}
	for id, old := range r.known {
		if _, live := items[id]; live || old.Deleted {
			continue
		}
		if err := r.put(ctx, models.HarvestRecord{ID: id, Datestamp: now, Deleted: true, Sets: old.Sets}); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func (r *Repository) put(ctx context.Context, rec models.HarvestRecord) error {
	if err := r.cfg.Store.Put(ctx, rec); err != nil {
		return err
	}
	r.known[rec.ID] = rec
	return nil
}

// Changed is the change hook: records follow every write at once, so
// their datestamps are the changes' times (requests sync too, for changes
// made by other instances).
func (r *Repository) Changed(ctx context.Context, _ models.Change) {
	if _, err := r.Sync(ctx); err != nil {
		r.cfg.Logger.WarnContext(ctx, "oai: records not synced; the next request syncs", slog.Any("err", err))
	}
}
