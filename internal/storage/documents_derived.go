package storage

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// SetText records a document's text extraction state (models.TextFacts)
// without a new version: the facts are derived from the file by the
// server, not an edit of the description, so an editor's If-Match stays
// valid. A description written at the same moment may carry the facts it
// read; a job then finds its document still queued or running with an
// old lease and extracts it again. Errors: ErrNotFound, ErrUnavailable.
func (d *Documents) SetText(ctx context.Context, id string, facts *models.TextFacts) error {
	return d.setDerived(ctx, id, "text", facts, func(doc *models.Document) { doc.Text = facts })
}

// SetFormat records a document's PRONOM identification, like SetText.
func (d *Documents) SetFormat(ctx context.Context, id string, facts *models.FormatFacts) error {
	return d.setDerived(ctx, id, "format", facts, func(doc *models.Document) { doc.Format = facts })
}

// SetThumbnail records a document's thumbnail facts, like SetText.
func (d *Documents) SetThumbnail(ctx context.Context, id string, facts *models.ThumbnailFacts) error {
	return d.setDerived(ctx, id, "thumbnail", facts, func(doc *models.Document) { doc.Thumbnail = facts })
}

// SetRenditions records a document's renditions (the WebP ones made for
// a crest stored before WebP existed), as derived facts: no new version.
func (d *Documents) SetRenditions(ctx context.Context, id string, rs []models.Rendition) error {
	return d.setDerived(ctx, id, "renditions", rs, func(doc *models.Document) { doc.Renditions = rs })
}

func (d *Documents) setDerived(ctx context.Context, id, field string, v any, apply func(*models.Document)) error {
	unlock := d.locks.lock(id)
	defer unlock()
	res, err := d.db.collection(documentsCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: v}}}})
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: document %s", models.ErrNotFound, id)
	}
	if d.mem != nil {
		if doc, ok := d.mem.idx.Get(id); ok {
			apply(doc)
			d.mem.idx.Put(doc)
		}
	}
	d.changes.Bump(ctx)
	return nil
}
