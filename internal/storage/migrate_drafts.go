package storage

import (
	"context"
	"fmt"
	"time"

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
// (after a crash) finishes the rest. Records of one status class and
// version are updated by one update of many records (the embedded store
// scans the collection for every update that is not by _id alone, so one
// update a record would take minutes for thousands); each such update
// gets migrateDeadline rather than the client's per-operation deadline.
func (d *DB) MigrateContentDrafts(ctx context.Context) error {
	for _, coll := range ContentCollections {
		if err := d.migrateDrafts(ctx, coll); err != nil {
			return fmt.Errorf("%s: %w", coll, err)
		}
	}
	return nil
}

// migrateDeadline bounds one update of the migration.
const migrateDeadline = 2 * time.Minute

func (d *DB) migrateDrafts(ctx context.Context, name string) error {
	coll := d.collection(name)
	old := bson.E{Key: "published_version", Value: bson.D{{Key: "$exists", Value: false}}}
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
		if err := d.updateMany(ctx, coll.Name(), published, bson.D{
			{Key: "published_version", Value: v}, {Key: "draft_version", Value: nil}, {Key: "has_unpublished_changes", Value: false}}); err != nil {
			return err
		}
		other := bson.D{{Key: "status", Value: bson.D{{Key: "$ne", Value: models.StatusPublished}}}, {Key: "version", Value: v}, old}
		if err := d.updateMany(ctx, coll.Name(), other, bson.D{
			{Key: "published_version", Value: nil}, {Key: "draft_version", Value: v}, {Key: "has_unpublished_changes", Value: true}}); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) updateMany(ctx context.Context, coll string, filter, set bson.D) error {
	ctx, cancel := context.WithTimeout(ctx, migrateDeadline)
	defer cancel()
	_, err := d.collection(coll).UpdateMany(ctx, filter, bson.D{{Key: "$set", Value: set}})
	return translateDB(err)
}
