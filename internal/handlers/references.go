package handlers

import (
	"context"

	"github.com/jesenice/twincms/models"
)

// PartnershipIndex is what the archive reads of every partnership, kept in
// memory (readmodel.PartnershipIndex). Errors: models.ErrUnavailable.
type PartnershipIndex interface {
	// Summaries: every partnership in page order.
	Summaries(ctx context.Context) ([]*models.PartnershipSummary, error)
	// Documents: the documents recording an agreement of [from, to].
	Documents(ctx context.Context, from, to int) ([]string, error)
}

// agreementDocuments lists the documents that record an agreement signed
// within [from, to] (0: open), so a year search finds a charter by the year
// of the agreement even when its scan has no date of its own.
func (a *API) agreementDocuments(ctx context.Context, from, to int) ([]string, error) {
	if a.d.PartnershipIndex != nil {
		return a.d.PartnershipIndex.Documents(ctx, from, to)
	}
	all, err := a.d.Partnerships.All(ctx, "")
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range all {
		for _, ag := range p.Agreements {
			if ag.DocumentID != "" && (from == 0 || ag.Year >= from) && (to == 0 || ag.Year <= to) {
				ids = append(ids, ag.DocumentID)
			}
		}
	}
	return ids, nil
}
