package storage

import (
	"context"
	"fmt"
	"slices"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// ContentCollections are the collections of the versioned content types.
var ContentCollections = []string{"partnerships", "blocks", "pages"}

// MigrateContentDrafts is data migration 1 (issue 24): it gives every
// partnership, block and page made before drafts existed the draft
// pointers (models.Meta). A published record had its current content live,
// so it becomes published at its current version with no draft; any other
// record is a draft at its current version (nothing of it is live).
//
// Each collection is rebuilt (rebuildCollection) rather than updated in
// place: the embedded store writes every updated record in a transaction
// of its own and finds it by scanning the collection, so updating 5,000
// records one by one, or by UpdateMany, took 540 s on this machine; the
// rebuild reads once and inserts in batches. It runs before any repository
// opens (the repositories create their indexes on the rebuilt collection).
func (d *DB) MigrateContentDrafts(ctx context.Context) error {
	for _, coll := range ContentCollections {
		if err := d.rebuildCollection(ctx, coll, "m1", addDraftPointers); err != nil {
			return fmt.Errorf("%s: %w", coll, err)
		}
	}
	return nil
}

// addDraftPointers is migration 1 on one stored record; it reports whether
// the record needed it (records written by this code already have them).
func addDraftPointers(doc bson.D) (bson.D, bool) {
	var status string
	var version int64
	for _, e := range doc {
		switch e.Key {
		case "published_version":
			return doc, false
		case "status":
			status, _ = e.Value.(string)
		case "version":
			switch v := e.Value.(type) {
			case int64:
				version = v
			case int32:
				version = int64(v)
			case float64:
				version = int64(v)
			}
		}
	}
	if status == string(models.StatusPublished) {
		return append(doc, bson.E{Key: "published_version", Value: version}, bson.E{Key: "draft_version", Value: nil},
			bson.E{Key: "has_unpublished_changes", Value: false}), true
	}
	return append(doc, bson.E{Key: "published_version", Value: nil}, bson.E{Key: "draft_version", Value: version},
		bson.E{Key: "has_unpublished_changes", Value: true}), true
}

// rebuildBatch is how many records one insert of a rebuild carries.
const rebuildBatch = 500

// rebuildCollection rewrites every record of name through change: a copy
// is built in name__<step>_new, then swapped in by two renames and the
// old collection dropped. Safe to run again after a crash at any point:
// a finished swap is completed (or its leftover dropped), a half-built
// copy is dropped and built again. Nothing is done when no record needs
// the change. Only a migration holding the lease (internal/migrate) may
// call it: writes to name during the rebuild would be lost.
func (d *DB) rebuildCollection(ctx context.Context, name, step string, change func(bson.D) (bson.D, bool)) error {
	fresh, old := name+"__"+step+"_new", name+"__"+step+"_old"
	names, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return translateDB(err)
	}
	has := func(n string) bool { return slices.Contains(names, n) }
	switch {
	case !has(name) && has(fresh):
		// Crashed between the renames: the copy was complete.
		if err := d.rename(ctx, fresh, name); err != nil {
			return err
		}
		return d.drop(ctx, old)
	case has(old):
		if err := d.drop(ctx, old); err != nil { // crashed after the swap
			return err
		}
	}
	if has(fresh) && has(name) {
		if err := d.drop(ctx, fresh); err != nil { // a half-built copy
			return err
		}
	}
	if !has(name) {
		return nil
	}
	cur, err := d.collection(name).Find(ctx, bson.D{})
	if err != nil {
		return translateDB(err)
	}
	defer cur.Close(ctx)
	var batch []any
	changed, total := 0, 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := d.collection(fresh).InsertMany(ctx, batch)
		batch = batch[:0]
		return translateDB(err)
	}
	for cur.Next(ctx) {
		var doc bson.D
		if err := cur.Decode(&doc); err != nil {
			return translateDB(err)
		}
		doc, ok := change(doc)
		if ok {
			changed++
		}
		total++
		batch = append(batch, doc)
		if len(batch) == rebuildBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := cur.Err(); err != nil {
		return translateDB(err)
	}
	if changed == 0 {
		return d.drop(ctx, fresh)
	}
	if err := flush(); err != nil {
		return err
	}
	if n, err := d.collection(fresh).CountDocuments(ctx, bson.D{}); err != nil || n != int64(total) {
		if err == nil {
			err = fmt.Errorf("the copy holds %d of %d records", n, total)
		}
		return translateDB(err)
	}
	if err := d.rename(ctx, name, old); err != nil {
		return err
	}
	if err := d.rename(ctx, fresh, name); err != nil {
		return err
	}
	return d.drop(ctx, old)
}

func (d *DB) rename(ctx context.Context, from, to string) error {
	cmd := bson.D{{Key: "renameCollection", Value: d.db.Name() + "." + from}, {Key: "to", Value: d.db.Name() + "." + to}}
	return translateDB(d.db.Client().Database("admin").RunCommand(ctx, cmd).Err())
}

func (d *DB) drop(ctx context.Context, name string) error {
	return translateDB(d.collection(name).Drop(ctx))
}
