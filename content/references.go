package content

import (
	"context"
	"errors"

	"github.com/jesenice/twincms/models"
)

// Documents finds documents, to check the references content makes.
type Documents interface {
	// Get returns models.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (*models.Document, error)
}

// documentRefs refuses a partnership whose crest or documents do not
// exist, or whose crest is not a crest.
func documentRefs(docs Documents) func(ctx context.Context, p *models.Partnership) error {
	return func(ctx context.Context, p *models.Partnership) error {
		var pr models.Problems
		ref := func(field, id string, wantCrest bool) error {
			d, err := docs.Get(ctx, id)
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
			if err := ref(models.FieldIndex("documents", i)+".document_id", d.DocumentID, false); err != nil {
				return err
			}
		}
		for i, ag := range p.Agreements {
			if ag.DocumentID != "" {
				if err := ref(models.FieldIndex("agreements", i)+".document_id", ag.DocumentID, false); err != nil {
					return err
				}
			}
		}
		return pr.Err(models.ErrInvalid)
	}
}
