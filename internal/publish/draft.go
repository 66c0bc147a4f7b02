package publish

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
)

// RenderDraft renders the current version of one partnership, block or
// page, whatever its status, as its public body would look once
// published: for a preview link, one request, never cached. A draft page
// shows the published blocks and partnerships around it. Its file links
// are signed like any other, but the file route serves only documents
// that published content refers to, so a document only a draft links to
// answers 404 until the draft is published.
// Errors: models.ErrNotFound, ErrMalformed (another resource),
// ErrUnavailable.
func (p *Publisher) RenderDraft(ctx context.Context, resource models.Resource, id string, v models.PublicView) (*models.Rendered, error) {
	s := p.cur.Load()
	idx := p.links.Window(p.now())
	switch resource {
	case models.ResourcePartnership:
		it, err := p.src.Partnerships.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		// Its documents as they are now, on a private copy of the snapshot.
		draft := s.clone()
		draft.putPartnership(id, nil)
		draft.partnerships = append(draft.partnerships, it)
		if err := p.loadDocuments(ctx, draft); err != nil {
			return nil, err
		}
		r := p.draftRenderer(draft, idx, v)
		return r.done(r.partnership(it))
	case models.ResourceBlock:
		it, err := p.src.Blocks.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		r := p.draftRenderer(s, idx, v)
		return r.done(r.block(it))
	case models.ResourcePage:
		it, err := p.src.Pages.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		r := p.draftRenderer(s, idx, v)
		return r.done(r.page(it))
	}
	return nil, fmt.Errorf("%w: %q has no public body", models.ErrMalformed, resource)
}

// draftRenderer is renderer with draft links: a preview's files are
// checked against the store, not the published snapshot (see File).
func (p *Publisher) draftRenderer(s *snapshot, idx int64, v models.PublicView) *renderer {
	r := p.renderer(s, idx, v)
	r.ln.draft = true
	return r
}
