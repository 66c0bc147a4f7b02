package handlers

import (
	"context"
	"errors"

	"github.com/jesenice/twincms/models"
)

// checkDocumentRefs refuses a partnership whose crest or documents do not
// exist, or whose crest is not a crest.
func (a *API) checkDocumentRefs(ctx context.Context, p *models.Partnership) error {
	var pr models.Problems
	ref := func(field, id string, wantCrest bool) error {
		d, err := a.d.Documents.Get(ctx, id)
		switch {
		case errors.Is(err, models.ErrNotFound):
			pr.Add(field, "no document %s", id)
		case err != nil:
			return err
		case wantCrest && d.Kind != models.KindCrest:
			pr.Add(field, "document %s is a %s, not a crest", id, d.Kind)
		}
		return nil
	}
	if p.CrestID != "" {
		if err := ref("crest_id", p.CrestID, true); err != nil {
			return err
		}
	}
	for i, d := range p.Documents {
		if err := ref(fieldIndex("documents", i)+".document_id", d.DocumentID, false); err != nil {
			return err
		}
	}
	for i, ag := range p.Agreements {
		if ag.DocumentID != "" {
			if err := ref(fieldIndex("agreements", i)+".document_id", ag.DocumentID, false); err != nil {
				return err
			}
		}
	}
	return pr.Err(models.ErrInvalid)
}

// AgreementIndex answers agreementDocuments from memory (storage.Agreements).
type AgreementIndex interface {
	Documents(ctx context.Context, from, to int) ([]string, error)
}

// agreementDocuments lists the documents that record an agreement signed
// within [from, to] (0: open), so a year search finds a charter by the year
// of the agreement even when its scan has no date of its own.
func (a *API) agreementDocuments(ctx context.Context, from, to int) ([]string, error) {
	if a.d.Agreements != nil {
		return a.d.Agreements.Documents(ctx, from, to)
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
