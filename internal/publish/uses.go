package publish

import (
	"slices"

	"github.com/jesenice/twincms/models"
)

// Uses lists where published content shows document id: the published
// partnerships whose crest or document list names it, and those showing a
// document whose accessible alternative it is. It reads this instance's
// snapshot, which holds every write made here and another instance's
// within Staleness.
func (p *Publisher) Uses(id string) []models.DocumentUse {
	s := p.cur.Load()
	var out []models.DocumentUse
	add := func(pt *models.Partnership, role string) {
		if !slices.ContainsFunc(out, func(u models.DocumentUse) bool { return u.ID == pt.ID && u.Role == role }) {
			out = append(out, models.DocumentUse{Resource: models.ResourcePartnership, ID: pt.ID, Slug: pt.Slug, Name: pt.Partner.Name, Role: role})
		}
	}
	for _, pt := range s.partnerships {
		if pt.CrestID == id {
			add(pt, models.UseCrest)
		}
		shown := func(docID, role string) {
			if docID == id {
				add(pt, role)
			}
			if d, ok := s.documents[docID]; ok && d.Status == models.DocumentActive && d.ID != id &&
				d.Alternative != nil && d.Alternative.DocumentID == id {
				add(pt, models.UseAlternative)
			}
		}
		for _, a := range pt.Agreements {
			if a.DocumentID != "" {
				shown(a.DocumentID, models.UseAgreement)
			}
		}
		for _, ref := range pt.Documents {
			shown(ref.DocumentID, models.UseDocument)
		}
	}
	return out
}
