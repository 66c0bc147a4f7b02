package storage

import (
	"context"
	"slices"
	"strings"

	"github.com/jesenice/twincms/internal/readmodel"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// loadBatch bounds the records one cursor batch of a full load carries:
// the client's operation timeout (dbOpTimeout) covers each batch, and a
// single batch of every record of a large collection can exceed it on a
// loaded machine (seen at 5,000 partnerships, load average 30).
const loadBatch = 500

// The content lists from memory (readmodel.ContentList) on the embedded
// store, whose every list reads and decodes the whole collection; MongoDB
// answers the same lists from its indexes, so there they stay off. This
// file is the glue: the repository feeds the list its writes and reads.

// UseMemory loads every record into memory and serves lists from there
// from now on (the embedded store). Run SyncMemory periodically to follow
// other instances' writes.
func (c *Content[T, P]) UseMemory(ctx context.Context) error {
	m := readmodel.NewContentList(NewCounter(c.db, c.spec.Collection+"-lists"))
	if err := m.Reload(ctx, c.allRaw); err != nil {
		return err
	}
	c.mem = m
	return nil
}

// SyncMemory reloads the memory when another instance wrote since it was
// loaded, and retries a counter bump that failed (nothing without memory).
func (c *Content[T, P]) SyncMemory(ctx context.Context) error {
	if c.mem == nil {
		return nil
	}
	return c.mem.Sync(ctx, c.allRaw)
}

// allRaw reads every record of the collection, in cursor batches.
func (c *Content[T, P]) allRaw(ctx context.Context) ([]*readmodel.Record, error) {
	cur, err := c.db.collection(c.spec.Collection).Find(ctx, bson.D{}, options.Find().SetBatchSize(loadBatch))
	if err != nil {
		return nil, translateDB(err)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	var out []*readmodel.Record
	for cur.Next(ctx) {
		var item T
		if err := bson.Unmarshal(cur.Current, &item); err != nil {
			return nil, err
		}
		out = append(out, readmodel.RecordOf(slices.Clone(cur.Current), P(&item).GetMeta()))
	}
	return out, translateDB(cur.Err())
}

// memPut records a write of item that reached the database.
func (c *Content[T, P]) memPut(ctx context.Context, item P) {
	if c.mem == nil {
		return
	}
	r, err := readmodel.NewRecord(item)
	if err != nil {
		r = nil // cannot happen for what the database just took; reload
	}
	c.mem.Put(ctx, r, item.GetMeta().ID)
}

// memRemove records a delete that reached the database.
func (c *Content[T, P]) memRemove(ctx context.Context, id string) {
	if c.mem != nil {
		c.mem.Remove(ctx, id)
	}
}

// memUnsure is told of a write that failed without saying whether it
// reached the database (see readmodel.ContentList.Unsure).
func (c *Content[T, P]) memUnsure(ctx context.Context, err error) {
	if c.mem != nil {
		c.mem.Unsure(ctx, err)
	}
}

// memList answers a list as List does against the database.
func (c *Content[T, P]) memList(ctx context.Context, q models.ListQuery, sort bson.D) (models.List[P], error) {
	if err := c.db.Ping(ctx); err != nil {
		return models.List[P]{}, err
	}
	extra := unpublishedFilter(q)
	if c.spec.Filter != nil {
		extra = append(extra, c.spec.Filter(q)...)
	}
	text := models.FoldText(q.Q)
	from := (q.Page - 1) * q.PerPage
	page, total := c.mem.Page(q.Sort, sort, func(r *readmodel.Record) bool {
		return (q.Status == "" || r.Status == q.Status) && (q.Q == "" || strings.Contains(r.Search, text)) && readmodel.MatchesAll(r.Raw, extra)
	}, from, q.PerPage)
	out := models.List[P]{Items: make([]P, len(page)), Total: total, Page: q.Page, PerPage: q.PerPage}
	for i, raw := range page {
		var item T
		if err := bson.Unmarshal(raw, &item); err != nil {
			return models.List[P]{}, err
		}
		out.Items[i] = &item
	}
	return out, nil
}
