package publish

import (
	"cmp"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/jesenice/twincms/models"
)

// snapshot is one consistent view of published content plus the bodies
// rendered from it. It is never changed once served: an update makes a
// changed copy (copy on write) and swaps it in.
type snapshot struct {
	// seq is the shared change counter this snapshot is known to include.
	seq          int64
	partnerships []*models.Partnership // published, in page order
	bySlug       map[string]*models.Partnership
	blocks       map[string]*models.Block       // published, by key
	pages        map[string]*models.ContentPage // published, by slug
	// documents are the documents published partnerships refer to,
	// whatever their status: active ones are shown and served, withdrawn
	// ones answer 410 rather than 404. No other document is loaded.
	documents map[string]*models.Document
	window    atomic.Pointer[windowCache]
}

func newSnapshot(seq int64, parts []*models.Partnership, blocks []*models.Block, pages []*models.ContentPage) *snapshot {
	s := &snapshot{seq: seq, blocks: make(map[string]*models.Block, len(blocks)),
		pages: make(map[string]*models.ContentPage, len(pages)), documents: map[string]*models.Document{}}
	for _, b := range blocks {
		s.blocks[b.BlockKey] = b
	}
	for _, p := range pages {
		s.pages[p.Slug] = p
	}
	s.setPartnerships(parts)
	return s
}

// clone is a copy to change; its render cache starts empty.
func (s *snapshot) clone() *snapshot {
	return &snapshot{seq: s.seq, partnerships: s.partnerships, bySlug: s.bySlug, blocks: maps.Clone(s.blocks),
		pages: maps.Clone(s.pages), documents: maps.Clone(s.documents)}
}

// setPartnerships sorts parts into page order (as the store lists them:
// sort, then name, then id) and indexes them by slug.
func (s *snapshot) setPartnerships(parts []*models.Partnership) {
	slices.SortStableFunc(parts, func(a, b *models.Partnership) int {
		return cmp.Or(cmp.Compare(a.Sort, b.Sort), cmp.Compare(a.NameKey, b.NameKey), cmp.Compare(a.ID, b.ID))
	})
	s.partnerships = parts
	s.bySlug = make(map[string]*models.Partnership, len(parts))
	for _, p := range parts {
		s.bySlug[p.Slug] = p
	}
}

// putPartnership replaces the partnership with p's id by p, or removes it
// when p is nil or not published.
func (s *snapshot) putPartnership(id string, p *models.Partnership) {
	parts := make([]*models.Partnership, 0, len(s.partnerships)+1)
	for _, it := range s.partnerships {
		if it.ID != id {
			parts = append(parts, it)
		}
	}
	if p != nil && p.Status == models.StatusPublished {
		parts = append(parts, p)
	}
	s.setPartnerships(parts)
}

// putBlock replaces the block with b's id by b, or removes it.
func (s *snapshot) putBlock(id string, b *models.Block) {
	maps.DeleteFunc(s.blocks, func(_ string, it *models.Block) bool { return it.ID == id })
	if b != nil && b.Status == models.StatusPublished {
		s.blocks[b.BlockKey] = b
	}
}

// putPage replaces the page with p's id by p, or removes it.
func (s *snapshot) putPage(id string, p *models.ContentPage) {
	maps.DeleteFunc(s.pages, func(_ string, it *models.ContentPage) bool { return it.ID == id })
	if p != nil && p.Status == models.StatusPublished {
		s.pages[p.Slug] = p
	}
}

// linkedDocuments are the documents a partnership's public view links to
// (see renderer.partnership): its crest, its agreements' texts and its
// document list.
func linkedDocuments(p *models.Partnership) []string {
	ids := make([]string, 0, len(p.Documents)+len(p.Agreements)+1)
	if p.CrestID != "" {
		ids = append(ids, p.CrestID)
	}
	for _, a := range p.Agreements {
		if a.DocumentID != "" {
			ids = append(ids, a.DocumentID)
		}
	}
	for _, ref := range p.Documents {
		ids = append(ids, ref.DocumentID)
	}
	return ids
}

// missingDocuments drops the documents no published partnership refers
// to any more and returns the ids of those referred to but not loaded.
func (s *snapshot) missingDocuments() []string {
	wanted := map[string]bool{}
	var missing []string
	for _, p := range s.partnerships {
		for _, id := range linkedDocuments(p) {
			if wanted[id] {
				continue
			}
			wanted[id] = true
			if _, ok := s.documents[id]; !ok {
				missing = append(missing, id)
			}
		}
	}
	// The accessible alternatives of the documents shown are published
	// with them; those of documents not loaded yet come in the next round
	// (Publisher.loadDocuments).
	for id := range maps.Clone(wanted) {
		d, ok := s.documents[id]
		if !ok || d.Alternative == nil || d.Alternative.DocumentID == "" || wanted[d.Alternative.DocumentID] {
			continue
		}
		alt := d.Alternative.DocumentID
		wanted[alt] = true
		if _, ok := s.documents[alt]; !ok {
			missing = append(missing, alt)
		}
	}
	maps.DeleteFunc(s.documents, func(id string, _ *models.Document) bool { return !wanted[id] })
	return missing
}

// activeDocument is the document id if published content refers to it
// and it is active, nil otherwise.
func (s *snapshot) activeDocument(id string) *models.Document {
	if d, ok := s.documents[id]; ok && d.Status == models.DocumentActive {
		return d
	}
	return nil
}

// refers tells whether published content in s refers to document id.
func (s *snapshot) refers(id string) bool {
	_, ok := s.documents[id]
	return ok
}
