package storage

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ContentCollections are the collections of the versioned content types.
var ContentCollections = []string{"partnerships", "blocks", "pages"}

// MigrateContentDrafts is data migration 1 (issue 24): it gives every
// partnership, block and page made before drafts existed the draft
// pointers (models.Meta). A published record had its current content live,
// so it becomes published at its current version with no draft; any other
// record is a draft at its current version (nothing of it is live).
//
// It touches only records without published_version, so a second run
// (after a crash) finishes the rest. The records are updated a version
// value at a time (one update of many documents per distinct version),
// which the embedded store does in one scan each rather than one write
// per record.
func (d *DB) MigrateContentDrafts(ctx context.Context) error {
	for _, coll := range ContentCollections {
		if err := d.migrateDrafts(ctx, coll); err != nil {
			return fmt.Errorf("%s: %w", coll, err)
		}
	}
	return nil
}

func (d *DB) migrateDrafts(ctx context.Context, name string) error {
	coll := d.collection(name)
	old := bson.E{Key: "published_version", Value: bson.D{{Key: "$exists", Value: false}}}
	// The distinct versions (the embedded store's distinct refuses the
	// client's time limit, so the versions are read and collected here).
	cur, err := coll.Find(ctx, bson.D{old}, options.Find().SetProjection(bson.D{{Key: "version", Value: 1}}))
	if err != nil {
		return translateDB(err)
	}
	var docs []struct {
		Version int64 `bson:"version"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return translateDB(err)
	}
	seen := map[int64]bool{}
	for _, doc := range docs {
		v := doc.Version
		if seen[v] {
			continue
		}
		seen[v] = true
		published := bson.D{{Key: "status", Value: models.StatusPublished}, {Key: "version", Value: v}, old}
		if _, err := coll.UpdateMany(ctx, published, bson.D{{Key: "$set", Value: bson.D{
			{Key: "published_version", Value: v}, {Key: "draft_version", Value: nil}, {Key: "has_unpublished_changes", Value: false}}}}); err != nil {
			return translateDB(err)
		}
		other := bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: models.StatusPublished}}}, {Key: "version", Value: v}, old}
		if _, err := coll.UpdateMany(ctx, other, bson.D{{Key: "$set", Value: bson.D{
			{Key: "published_version", Value: nil}, {Key: "draft_version", Value: v}, {Key: "has_unpublished_changes", Value: true}}}}); err != nil {
			return translateDB(err)
		}
	}
	return nil
}
