package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// PreviewLinks keeps draft preview links (collection preview_links), found
// by id: the link's token starts with it, so a preview costs one lookup by
// _id.
type PreviewLinks struct {
	db *DB
}

// NewPreviewLinks returns the store.
func NewPreviewLinks(db *DB) *PreviewLinks { return &PreviewLinks{db: db} }

// NewPreviewLinkID makes a link id.
func NewPreviewLinkID() string { return bson.NewObjectID().Hex() }

// Insert stores a new link.
func (p *PreviewLinks) Insert(ctx context.Context, l models.PreviewLink) error {
	_, err := p.db.collection("preview_links").InsertOne(ctx, l)
	return translateDB(err)
}

// Get returns one link; ErrNotFound.
func (p *PreviewLinks) Get(ctx context.Context, id string) (models.PreviewLink, error) {
	var l models.PreviewLink
	err := translateDB(p.db.collection("preview_links").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&l))
	if errors.Is(err, models.ErrNotFound) {
		return l, fmt.Errorf("%w: no preview link %s", models.ErrNotFound, id)
	}
	return l, err
}

// Delete removes the link id of record resourceID; ErrNotFound when that
// record has no such link.
func (p *PreviewLinks) Delete(ctx context.Context, resourceID, id string) error {
	res, err := p.db.collection("preview_links").DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "resource_id", Value: resourceID}})
	if err != nil {
		return translateDB(err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: no preview link %s on this record", models.ErrNotFound, id)
	}
	return nil
}
