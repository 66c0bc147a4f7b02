package content

import (
	"context"
	"errors"
	"strings"

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

// imagesHaveAlt refuses to publish a partnership whose crest has no alt
// text in one of the locales the partnership is written in (those of its
// partner name), unless the crest is marked decorative: the public page
// in that locale would show an image a screen reader cannot describe
// (WCAG 1.1.1, which ZDSMA requires through EN 301 549).
func imagesHaveAlt(docs Documents, locales models.Locales) func(ctx context.Context, p *models.Partnership) error {
	return func(ctx context.Context, p *models.Partnership) error {
		if p.CrestID == "" {
			return nil
		}
		d, err := docs.Get(ctx, p.CrestID)
		if errors.Is(err, models.ErrNotFound) {
			return nil // documentRefs reports it
		} else if err != nil {
			return err
		}
		var want []string
		for _, l := range locales.Supported {
			if strings.TrimSpace(p.Partner.Name[l]) != "" {
				want = append(want, l)
			}
		}
		missing := d.MissingAlt(want)
		if len(missing) == 0 {
			return nil
		}
		var pr models.Problems
		pr.Add("crest_id", "the crest %s has no alt text in %s: add alt.%s to the document, or mark it decorative",
			d.ID, strings.Join(missing, ", "), missing[0])
		return pr.Err(models.ErrInvalid)
	}
}
