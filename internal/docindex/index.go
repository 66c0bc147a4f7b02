// Package docindex keeps every document record in memory, ordered as the
// lists show them (newest first) and indexed by checksum and partnership,
// so that a get, a list, an archive search and a duplicate check cost the
// same at 10,000 documents as at 100 on the embedded store, whose queries
// scan the whole collection (see storage.Documents, which feeds it).
//
// The index holds no I/O: the store writes through it and reloads it.
// Records it holds are never modified in place; writers put a new copy.
package docindex

import (
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/jesenice/twincms/models"
)

// Index is the in-memory copy of the document collection.
type Index struct {
	mu    sync.RWMutex
	byID  map[string]*models.Document
	order []*models.Document // newest first: created_at desc, id asc
	keyed keyed              // per kind, status, partnership, checksum, year, in the same order
	grams *grams

	// loading collects the writes made while a reload reads the store, to
	// be applied again on top of what it read (see BeginLoad).
	loading bool
	journal []entry
}

// entry is one journaled write: a record put, or an id removed.
type entry struct {
	doc     *models.Document
	removed string
}

// New returns an empty index.
func New() *Index {
	return &Index{byID: map[string]*models.Document{}, keyed: newKeyed(), grams: newGrams()}
}

// Len is the number of records.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.byID)
}

// Get returns a copy of the record (the caller may change it).
func (x *Index) Get(id string) (*models.Document, bool) {
	x.mu.RLock()
	d, ok := x.byID[id]
	x.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return Clone(d), true
}

// Active returns a copy of the active record holding bytes with this
// SHA-256, if any.
func (x *Index) Active(sum string) (*models.Document, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, d := range x.keyed.sha[sum] {
		if d.Status == models.DocumentActive {
			return Clone(d), true
		}
	}
	return nil, false
}

// All returns every record, newest first. The records are shared: read
// them, never change them.
func (x *Index) All() []*models.Document {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.order)
}

// Put stores a copy of d, unless the index already holds a later version
// of it (a reload that read another instance's newer write).
func (x *Index) Put(d *models.Document) {
	d = Clone(d)
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.loading {
		x.journal = append(x.journal, entry{doc: d})
	}
	x.put(d)
}

// Remove forgets a purged record.
func (x *Index) Remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.loading {
		x.journal = append(x.journal, entry{removed: id})
	}
	x.remove(id)
}

// BeginLoad starts a reload: writes from now on are journaled, and
// FinishLoad applies them again over what the reload read from the store
// (which may or may not include them).
func (x *Index) BeginLoad() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.loading, x.journal = true, nil
}

// FinishLoad replaces the contents with docs (read after BeginLoad) and
// the writes made since. A record's later version wins over an earlier
// one; a removal wins over everything (ids are never reused).
func (x *Index) FinishLoad(docs []*models.Document) {
	fresh := New()
	for _, d := range docs {
		fresh.byID[d.ID] = d
	}
	fresh.order = make([]*models.Document, 0, len(docs))
	for _, d := range fresh.byID {
		fresh.order = append(fresh.order, d)
	}
	slices.SortFunc(fresh.order, compare)
	for _, d := range fresh.order {
		fresh.grams.add(d)
		fresh.keyed.add(d, true)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, e := range x.journal {
		if e.doc != nil {
			fresh.put(e.doc)
		} else {
			fresh.remove(e.removed)
		}
	}
	x.byID, x.order, x.keyed, x.grams = fresh.byID, fresh.order, fresh.keyed, fresh.grams
	x.loading, x.journal = false, nil
}

// AbortLoad ends a reload that failed; the contents stay as they were.
func (x *Index) AbortLoad() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.loading, x.journal = false, nil
}

// compare orders records as the lists show them: newest first, then by id.
func compare(a, b *models.Document) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (x *Index) put(d *models.Document) {
	if old, ok := x.byID[d.ID]; ok {
		if old.Version > d.Version {
			return
		}
		x.remove(d.ID)
	}
	x.byID[d.ID] = d
	i, _ := slices.BinarySearchFunc(x.order, d, compare)
	x.order = slices.Insert(x.order, i, d)
	x.link(d)
}

func (x *Index) remove(id string) {
	d, ok := x.byID[id]
	if !ok {
		return
	}
	delete(x.byID, id)
	x.grams.drop(d)
	defer x.grams.compact(x.byID)
	if i, found := slices.BinarySearchFunc(x.order, d, compare); found {
		x.order = slices.Delete(x.order, i, i+1)
	}
	x.keyed.drop(d)
}

func (x *Index) link(d *models.Document) {
	x.grams.add(d)
	x.keyed.add(d, false)
}

// Clone copies d deeply enough that changing the copy never changes d.
func Clone(d *models.Document) *models.Document {
	c := *d
	c.Title = maps.Clone(d.Title)
	c.PartnershipIDs = slices.Clone(d.PartnershipIDs)
	c.Renditions = slices.Clone(d.Renditions)
	return &c
}
