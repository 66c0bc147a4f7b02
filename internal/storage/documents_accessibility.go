package storage

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// SetAccessibility records a document's accessibility facts without a
// new version: they are read from the file by the server, not an edit of
// the description, so an editor's If-Match stays valid and no webhook or
// audit entry tells of them. A description written at the same moment
// may carry the facts it read; the background check then finds the
// document unchecked again and reads it again. Errors: ErrNotFound,
// ErrUnavailable.
func (d *Documents) SetAccessibility(ctx context.Context, id string, facts *models.AccessibilityFacts) error {
	unlock := d.locks.lock(id)
	defer unlock()
	res, err := d.db.collection(documentsCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "accessibility", Value: facts}}}})
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: document %s", models.ErrNotFound, id)
	}
	if d.mem != nil {
		if doc, ok := d.mem.idx.Get(id); ok {
			doc.Accessibility = facts
			d.mem.idx.Put(doc)
		}
	}
	d.changes.Bump(ctx)
	return nil
}
