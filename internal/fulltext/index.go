// Package fulltext is the archive's full-text search: an embedded bleve
// index of every document's description (titles in every locale, notes,
// partnership names, kind, year, archival reference, source, file name)
// and its extracted text, ranked, with highlighted snippets.
//
// Each instance keeps its own index (on disk under the data directory,
// or in memory), fed from the database by Sync: it compares every
// record's stamp (version, text and partnership names) with what it
// indexed and re-indexes what differs, on a local write at once and on
// other instances' writes within the document index's staleness bound.
// A missing or unreadable index is rebuilt from the database.
package fulltext

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Index is the bleve index and what it knows of each record it holds.
type Index struct {
	idx bleve.Index
	dir string

	mu     sync.RWMutex
	stamps map[string]string // document id → stamp indexed
	ready  bool              // the first sync finished
}

// entry is what one document contributes to the index.
type entry struct {
	Title       string   `json:"title"`
	Body        string   `json:"body"`
	Kind        string   `json:"kind"`
	Status      string   `json:"status"`
	Partnership []string `json:"partnership"`
	SHA256      string   `json:"sha256"`
	PUID        string   `json:"puid"`
	Year        float64  `json:"year"`
	Stamp       string   `json:"stamp"`
}

// Open opens the index in dir, or makes a new one there when it is
// missing or cannot be read; dir "" keeps it in memory.
func Open(dir string) (*Index, error) {
	x := &Index{dir: dir, stamps: map[string]string{}}
	if dir == "" {
		idx, err := bleve.NewMemOnly(newMapping())
		if err != nil {
			return nil, err
		}
		x.idx = idx
		return x, nil
	}
	idx, err := bleve.Open(dir)
	if err == nil {
		x.idx = idx
		if err := x.loadStamps(); err == nil {
			return x, nil
		}
		_ = idx.Close()
	}
	// Missing, damaged or of another mapping: start afresh (the database
	// is the source; Sync fills it).
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	if x.idx, err = bleve.New(dir, newMapping()); err != nil {
		return nil, fmt.Errorf("full-text index: %w", err)
	}
	return x, nil
}

// Close closes the index.
func (x *Index) Close() error {
	if x == nil || x.idx == nil {
		return nil
	}
	return x.idx.Close()
}

// Ready reports whether the index has caught up with the database once
// (until then searches are answered by the metadata search).
func (x *Index) Ready() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.ready
}

// Len is the number of documents indexed.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.stamps)
}

// DiskBytes is the size of the index's files (0 in memory).
func (x *Index) DiskBytes() int64 {
	if x.dir == "" {
		return 0
	}
	var n int64
	_ = filepath.WalkDir(x.dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// loadStamps reads the stamp of every document the index holds.
func (x *Index) loadStamps() error {
	n, err := x.idx.DocCount()
	if err != nil {
		return err
	}
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), int(n)+1, 0, false)
	req.Fields = []string{"stamp"}
	res, err := x.idx.Search(req)
	if err != nil {
		return err
	}
	for _, h := range res.Hits {
		s, _ := h.Fields["stamp"].(string)
		x.stamps[h.ID] = s
	}
	return nil
}

// apply indexes puts and deletes in one batch.
func (x *Index) apply(ctx context.Context, puts map[string]entry, deletes []string) error {
	if len(puts) == 0 && len(deletes) == 0 {
		return ctx.Err()
	}
	b := x.idx.NewBatch()
	for id, e := range puts {
		if err := b.Index(id, e); err != nil {
			return err
		}
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	if err := batch(x.idx, b); err != nil {
		return fmt.Errorf("full-text index: %w", err)
	}
	x.mu.Lock()
	for id, e := range puts {
		x.stamps[id] = e.Stamp
	}
	for _, id := range deletes {
		delete(x.stamps, id)
	}
	x.mu.Unlock()
	return nil
}

// batch applies b, turning a panic inside bleve into an error: a CI run
// saw bleve 2.6.3 (zapx v17.2.5) panic in Batch ("assignment to entry in
// nil map" in an in-memory segment's term cache, cleared by a concurrent
// close inside scorch), which took the whole process down with it. The
// batch is then not applied (scorch panicked before introducing it), the
// index keeps its previous state, and the sync retries on its next round.
func batch(idx bleve.Index, b *bleve.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("batch failed inside bleve: %v", r)
		}
	}()
	return idx.Batch(b)
}

// stamp returns what the index holds for id.
func (x *Index) stamp(id string) (string, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s, ok := x.stamps[id]
	return s, ok
}

func (x *Index) ids() []string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]string, 0, len(x.stamps))
	for id := range x.stamps {
		out = append(out, id)
	}
	return out
}

func (x *Index) setReady() {
	x.mu.Lock()
	x.ready = true
	x.mu.Unlock()
}

// newMapping: the searchable texts are indexed with the three analyzers
// (see analyzer.go) and term vectors (for highlights); the body is stored
// for snippets; the filters are keywords and a number.
func newMapping() mapping.IndexMapping {
	text := func(name, analyzer string, store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name, f.Analyzer, f.Store, f.IncludeTermVectors, f.IncludeInAll = name, analyzer, store, true, false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer, f.Store, f.IncludeInAll, f.DocValues = keyword.Name, false, false, false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", text("title", analyzerPlain, false))
	// The body's Slovenian analysis folds and stems; the exact (folded)
	// form of a word always stems like the query's, so no third field.
	doc.AddFieldMappingsAt("body", text("body", analyzerSL, true), text("body_de", analyzerDE, false))
	for _, f := range []string{"kind", "status", "partnership", "sha256", "puid"} {
		doc.AddFieldMappingsAt(f, kw())
	}
	year := bleve.NewNumericFieldMapping()
	year.IncludeInAll = false
	doc.AddFieldMappingsAt("year", year)
	stamp := bleve.NewKeywordFieldMapping()
	stamp.Store, stamp.Index, stamp.IncludeInAll = true, false, false
	doc.AddFieldMappingsAt("stamp", stamp)
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerPlain
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m
}

// errNotReady is never shown to a client: callers fall back.
var errNotReady = errors.New("full-text index not ready")

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
