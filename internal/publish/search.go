package publish

import "github.com/jesenice/twincms/models"

// PublicDocumentIDs are the documents the public may find: active ones
// that published content refers to (never a withdrawn one).
func (p *Publisher) PublicDocumentIDs() []string {
	s := p.cur.Load()
	ids := make([]string, 0, len(s.documents))
	for id, d := range s.documents {
		if d.Status == models.DocumentActive {
			ids = append(ids, id)
		}
	}
	return ids
}

// PublicDocuments renders the documents with these ids as the website
// shows them, in that order; ids no longer published are left out.
func (p *Publisher) PublicDocuments(ids []string, v models.PublicView) []PublicDocument {
	s := p.cur.Load()
	r := p.renderer(s, p.links.Window(p.now()), v)
	z := r.localizer()
	out := make([]PublicDocument, 0, len(ids))
	for _, id := range ids {
		if d, ok := s.documents[id]; ok && d.Status == models.DocumentActive {
			out = append(out, r.document(z, "title", d, ""))
		}
	}
	return out
}

// PublishedDocument is the record of a document the public may read:
// active and linked from published content.
func (p *Publisher) PublishedDocument(id string) (*models.Document, bool) {
	d, ok := p.cur.Load().documents[id]
	if !ok || d.Status != models.DocumentActive {
		return nil, false
	}
	return d, true
}
