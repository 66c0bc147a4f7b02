package doctext

import (
	"context"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
)

// State reports the engines and the documents by extraction state.
func (r *Runner) State(ctx context.Context) (models.TextExtractionState, error) {
	docs, err := r.Records.All(ctx)
	if err != nil {
		return models.TextExtractionState{}, err
	}
	s := models.TextExtractionState{OCR: r.Tools.OCR(), OCREngine: r.Tools.TesseractVersion, OCRLanguages: nonNil(r.Tools.Languages),
		DefaultLanguages: nonNil(r.Languages), TextLayer: r.Tools.PDFToText != "", TextLayerEngine: r.Tools.PopplerVersion}
	for _, d := range docs {
		if d.Status != models.DocumentActive {
			continue
		}
		st := models.TextQueued
		if d.Text != nil {
			st = d.Text.Status
		}
		switch st {
		case models.TextQueued:
			s.Documents.Queued++
		case models.TextRunning:
			s.Documents.Running++
		case models.TextDone:
			s.Documents.Done++
		case models.TextNone:
			s.Documents.None++
		case models.TextFailed:
			s.Documents.Failed++
		case models.TextUnavailable:
			s.Documents.Unavailable++
		}
	}
	return s, nil
}

// Requeue puts a document's text extraction back in the queue (after a
// failure, or to read it again with other engines or languages), and
// returns the record as it is now. Errors: ErrNotFound, ErrConflict
// while it is being extracted or when it is withdrawn.
func (r *Runner) Requeue(ctx context.Context, id string) (*models.Document, error) {
	doc, err := r.Records.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if doc.Status != models.DocumentActive {
		return nil, fmt.Errorf("%w: document %s is withdrawn", models.ErrConflict, id)
	}
	if doc.Text != nil && doc.Text.Status == models.TextRunning && time.Since(doc.Text.UpdatedAt) < leaseTTL {
		return nil, fmt.Errorf("%w: the text of document %s is being extracted now", models.ErrConflict, id)
	}
	facts := &models.TextFacts{Status: models.TextQueued, UpdatedAt: time.Now().UTC()}
	if err := r.Records.SetText(ctx, id, facts); err != nil {
		return nil, err
	}
	r.Wake()
	doc.Text = facts
	return doc, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
