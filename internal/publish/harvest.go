package publish

import (
	"sort"

	"github.com/jesenice/twincms/models"
)

// Harvestable is the public material of one snapshot, as OAI-PMH offers
// it (package oai): the published partnerships and the active documents
// they show. The values are the snapshot's own and must not be changed.
type Harvestable struct {
	// Seq is the change counter value the snapshot includes.
	Seq          int64
	Partnerships []*models.Partnership
	// Documents are the active documents published partnerships refer
	// to, by id order; PartnershipsOf names the partnerships showing each.
	Documents      []*models.Document
	PartnershipsOf map[string][]*models.Partnership
}

// Harvest returns the public material of the current snapshot. Withdrawn
// documents are left out: for a harvester they are deleted records.
func (p *Publisher) Harvest() Harvestable {
	s := p.cur.Load()
	h := Harvestable{Seq: s.seq, Partnerships: s.partnerships, PartnershipsOf: map[string][]*models.Partnership{}}
	for _, part := range s.partnerships {
		seen := map[string]bool{}
		for _, id := range linkedDocuments(part) {
			d := s.activeDocument(id)
			if d == nil || seen[id] {
				continue
			}
			seen[id] = true
			if len(h.PartnershipsOf[id]) == 0 {
				h.Documents = append(h.Documents, d)
			}
			h.PartnershipsOf[id] = append(h.PartnershipsOf[id], part)
		}
	}
	sort.Slice(h.Documents, func(i, j int) bool { return h.Documents[i].ID < h.Documents[j].ID })
	return h
}
