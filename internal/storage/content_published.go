package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The published content of a record is the record itself when it has no
// draft, and otherwise its published version's snapshot (models.Meta:
// the stored record is the working copy). The published snapshot and the
// public API read through these two, and nothing else decides it.

// Published returns the published content of id: the record with the
// status it has (callers check it), its content the published version's.
func (c *Content[T, P]) Published(ctx context.Context, id string) (P, error) {
	cur, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !cur.GetMeta().ServesSnapshot() {
		return cur, nil
	}
	var v models.Version[T]
	if err := c.db.collection(c.versions).FindOne(ctx, bson.D{{Key: "_id", Value: versionID(id, *cur.GetMeta().PublishedVersion)}}).Decode(&v); err != nil {
		return nil, translateDB(err)
	}
	return models.PublishedFrom(cur, &v.Snapshot), nil
}

// AllPublished returns the published content of every published record,
// in default order: the records, with the published versions' snapshots
// of those that have a draft read in one query.
func (c *Content[T, P]) AllPublished(ctx context.Context) ([]P, error) {
	all, err := c.All(ctx, models.StatusPublished)
	if err != nil {
		return nil, err
	}
	var ids []string
	at := map[string]int{}
	for i, it := range all {
		if m := it.GetMeta(); m.ServesSnapshot() {
			vid := versionID(m.ID, *m.PublishedVersion)
			ids, at[vid] = append(ids, vid), i
		}
	}
	if len(ids) == 0 {
		return all, nil
	}
	cur, err := c.db.collection(c.versions).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, translateDB(err)
	}
	var docs []versionDoc[T]
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translateDB(err)
	}
	for i := range docs {
		if j, ok := at[docs[i].ID]; ok {
			all[j] = models.PublishedFrom(all[j], &docs[i].Snapshot)
			delete(at, docs[i].ID)
		}
	}
	if len(at) == 0 {
		return all, nil
	}
	// A published version without its snapshot serves nothing rather
	// than the draft.
	out := all[:0]
	for i, it := range all {
		if m := it.GetMeta(); m.ServesSnapshot() {
			if _, missing := at[versionID(m.ID, *m.PublishedVersion)]; missing && i == at[versionID(m.ID, *m.PublishedVersion)] {
				continue
			}
		}
		out = append(out, it)
	}
	return out, nil
}
