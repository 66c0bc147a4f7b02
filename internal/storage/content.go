package storage

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jesenice/twincms/internal/readmodel"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Item constrains the content types (partnership, block, page) that
// Content stores: pointers to structs carrying models.Meta.
type Item[T any] interface {
	*T
	models.Content
}

// ContentSpec says how one content type is stored and listed.
type ContentSpec struct {
	Collection string
	KeyField   string // the unique human key: "slug" or "key"
	// Filter adds the type's own list filters; nil for none.
	Filter func(q models.ListQuery) bson.D
	// Sorts maps the sort parameter to a sort order; "" is the default.
	Sorts map[string]bson.D
}

// Content stores one versioned content type: the current document in one
// collection and a snapshot per version in another. Without transactions
// (the embedded store has none) each write touches one document at a time
// in an order that leaves nothing visible half-written (see Replace).
type Content[T any, P Item[T]] struct {
	db       *DB
	spec     ContentSpec
	versions string
	locks    stripedLocks
	// mem, when set, serves lists from memory (UseMemory).
	mem *readmodel.ContentList
}

// NewContent creates the indexes and returns the store.
func NewContent[T any, P Item[T]](ctx context.Context, db *DB, spec ContentSpec) (*Content[T, P], error) {
	c := &Content[T, P]{db: db, spec: spec, versions: spec.Collection + "_versions"}
	if err := db.ensureIndex(ctx, spec.Collection, bson.D{{Key: spec.KeyField, Value: 1}}, true); err != nil {
		return nil, err
	}
	if err := db.ensureIndex(ctx, c.versions, bson.D{{Key: "resource_id", Value: 1}, {Key: "version", Value: 1}}, true); err != nil {
		return nil, err
	}
	return c, nil
}

func now() time.Time { return models.Now() }

func versionID(id string, v int64) string { return fmt.Sprintf("%s:%d", id, v) }

// Create stores a new draft at version 1.
func (c *Content[T, P]) Create(ctx context.Context, item P, by string) (P, error) {
	m := item.GetMeta()
	t := now()
	*m = models.Meta{ID: bson.NewObjectID().Hex(), Version: 1, CreatedAt: t, CreatedBy: by, UpdatedAt: t, UpdatedBy: by}
	m.Advance(models.ActionCreate, 1, 0)
	if _, err := c.db.collection(c.spec.Collection).InsertOne(ctx, item); err != nil {
		err = c.keyConflict(translateDB(err), item)
		c.memUnsure(ctx, err)
		return nil, err
	}
	if _, err := c.claimVersion(ctx, item, models.ActionCreate, nil); err != nil {
		// Undo, so a failed create leaves nothing behind.
		_, _ = c.db.collection(c.spec.Collection).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: m.ID}})
		c.memUnsure(ctx, err)
		return nil, err
	}
	c.memPut(ctx, item)
	return item, nil
}

// Get returns the current version by id.
func (c *Content[T, P]) Get(ctx context.Context, id string) (P, error) {
	return c.findOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetByKey returns the current version by slug or key.
func (c *Content[T, P]) GetByKey(ctx context.Context, key string) (P, error) {
	return c.findOne(ctx, bson.D{{Key: c.spec.KeyField, Value: key}})
}

func (c *Content[T, P]) findOne(ctx context.Context, filter bson.D) (P, error) {
	var item T
	if err := c.db.collection(c.spec.Collection).FindOne(ctx, filter).Decode(&item); err != nil {
		return nil, translateDB(err)
	}
	return P(&item), nil
}

// unpublishedFilter keeps the records whose has_unpublished_changes is
// q's (none when q does not say).
func unpublishedFilter(q models.ListQuery) bson.D {
	if q.UnpublishedChanges == nil {
		return nil
	}
	return bson.D{{Key: "has_unpublished_changes", Value: *q.UnpublishedChanges}}
}

// List filters, sorts and pages (from memory with UseMemory, which
// applies the same filter and sort: memList).
func (c *Content[T, P]) List(ctx context.Context, q models.ListQuery) (models.List[P], error) {
	sort, ok := c.spec.Sorts[q.Sort]
	if !ok {
		return models.List[P]{}, fmt.Errorf("%w: unknown sort %q", models.ErrMalformed, q.Sort)
	}
	if c.mem != nil {
		return c.memList(ctx, q, sort)
	}
	filter := bson.D{}
	if q.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: q.Status})
	}
	filter = append(filter, unpublishedFilter(q)...)
	if q.Q != "" {
		filter = append(filter, bson.E{Key: "search", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(models.FoldText(q.Q))}}})
	}
	if c.spec.Filter != nil {
		filter = append(filter, c.spec.Filter(q)...)
	}
	coll := c.db.collection(c.spec.Collection)
	total, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return models.List[P]{}, translateDB(err)
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(append(sort, bson.E{Key: "_id", Value: 1})).
		SetSkip(int64((q.Page-1)*q.PerPage)).SetLimit(int64(q.PerPage)))
	if err != nil {
		return models.List[P]{}, translateDB(err)
	}
	var items []T
	if err := cur.All(ctx, &items); err != nil {
		return models.List[P]{}, translateDB(err)
	}
	out := models.List[P]{Items: make([]P, len(items)), Total: total, Page: q.Page, PerPage: q.PerPage}
	for i := range items {
		out.Items[i] = &items[i]
	}
	return out, nil
}

// All returns every item with the given status (empty: all), in default
// order; the published snapshot is built from it.
func (c *Content[T, P]) All(ctx context.Context, status models.Status) ([]P, error) {
	filter := bson.D{}
	if status != "" {
		filter = bson.D{{Key: "status", Value: status}}
	}
	cur, err := c.db.collection(c.spec.Collection).Find(ctx, filter, options.Find().SetSort(append(c.spec.Sorts[""], bson.E{Key: "_id", Value: 1})))
	if err != nil {
		return nil, translateDB(err)
	}
	var items []T
	if err := cur.All(ctx, &items); err != nil {
		return nil, translateDB(err)
	}
	out := make([]P, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out, nil
}

// Replace stores item as the next version if the current version is still
// expected, recording action and the changed fields. The caller has set
// the status and draft pointers (models.Meta.Advance).
//
// The version snapshot is inserted first under a unique id (resource and
// version): of two writers based on the same version only one can claim the
// next one, the other gets ErrStale. The claim is then made real by the
// conditional replace; if that loses, the writer removes its own snapshot.
// A crash in between leaves a claim ahead of the current version, which
// lists ignore and the next writer clears once it is stale.
//
// The in-process lock serializes writers of one resource: the embedded
// store evaluates a conditional update as a read and a write, so without
// it two writers in this process could both match the old version.
func (c *Content[T, P]) Replace(ctx context.Context, item P, expected int64, action models.Action, by string, changed []string) (P, error) {
	m := item.GetMeta()
	unlock := c.locks.lock(m.ID)
	defer unlock()
	m.Version = expected + 1
	m.UpdatedAt, m.UpdatedBy = now(), by
	if action == models.ActionPublish {
		t := m.UpdatedAt
		m.PublishedAt = &t
	}
	writer, err := c.claimVersion(ctx, item, action, changed)
	if err != nil {
		return nil, err
	}
	res, err := c.db.collection(c.spec.Collection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: expected}}, item)
	switch {
	case err != nil:
		err = c.keyConflict(translateDB(err), item)
		c.memUnsure(ctx, err)
	case res.MatchedCount == 0:
		err = c.missOrStale(ctx, m.ID)
	}
	if err != nil {
		_, _ = c.db.collection(c.versions).DeleteOne(context.WithoutCancel(ctx),
			bson.D{{Key: "_id", Value: versionID(m.ID, m.Version)}, {Key: "writer", Value: writer}})
		return nil, err
	}
	c.memPut(ctx, item)
	return item, nil
}

// Delete removes the item and its history if the version is still expected.
func (c *Content[T, P]) Delete(ctx context.Context, id string, expected int64) error {
	unlock := c.locks.lock(id)
	defer unlock()
	res, err := c.db.collection(c.spec.Collection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: expected}})
	if err != nil {
		err = translateDB(err)
		c.memUnsure(ctx, err)
		return err
	}
	if res.DeletedCount == 0 {
		return c.missOrStale(ctx, id)
	}
	c.memRemove(ctx, id)
	if _, err := c.db.collection(c.versions).DeleteMany(ctx, bson.D{{Key: "resource_id", Value: id}}); err != nil {
		return translateDB(err)
	}
	return nil
}

// Versions lists the history, newest first, up to the current version.
func (c *Content[T, P]) Versions(ctx context.Context, id string) ([]models.Version[T], error) {
	cur, err := c.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	filter := bson.D{{Key: "resource_id", Value: id}, {Key: "version", Value: bson.D{{Key: "$lte", Value: cur.GetMeta().Version}}}}
	cursor, err := c.db.collection(c.versions).Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "version", Value: -1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Version[T]{}
	if err := cursor.All(ctx, &out); err != nil {
		return nil, translateDB(err)
	}
	return out, nil
}

// Version returns one snapshot.
func (c *Content[T, P]) Version(ctx context.Context, id string, n int64) (models.Version[T], error) {
	var v models.Version[T]
	cur, err := c.Get(ctx, id)
	if err != nil {
		return v, err
	}
	if n < 1 || n > cur.GetMeta().Version {
		return v, fmt.Errorf("%w: version %d of %s", models.ErrNotFound, n, id)
	}
	err = c.db.collection(c.versions).FindOne(ctx, bson.D{{Key: "_id", Value: versionID(id, n)}}).Decode(&v)
	return v, translateDB(err)
}

// staleClaim is how old a version claim must be before another writer may
// take it over: far longer than any write takes.
const staleClaim = time.Minute

// versionDoc is a stored snapshot with the id of the write that made it.
type versionDoc[T any] struct {
	ID                string `bson:"_id"`
	Writer            string `bson:"writer"`
	models.Version[T] `bson:",inline"`
}

// claimVersion inserts the snapshot of item's (new) version and returns the
// writer id that owns it; ErrStale when another write holds that version.
func (c *Content[T, P]) claimVersion(ctx context.Context, item P, action models.Action, changed []string) (string, error) {
	m := item.GetMeta()
	if changed == nil {
		changed = []string{}
	}
	doc := versionDoc[T]{ID: versionID(m.ID, m.Version), Writer: bson.NewObjectID().Hex(),
		Version: models.Version[T]{ResourceID: m.ID, Version: m.Version, Action: action, At: m.UpdatedAt, By: m.UpdatedBy, Changed: changed, Snapshot: *item}}
	coll := c.db.collection(c.versions)
	for attempt := 0; ; attempt++ {
		_, err := coll.InsertOne(ctx, doc)
		if err == nil {
			return doc.Writer, nil
		}
		if err = translateDB(err); !errors.Is(err, models.ErrConflict) || attempt > 0 {
			if errors.Is(err, models.ErrConflict) {
				return "", fmt.Errorf("%w: %s was changed by someone else", models.ErrStale, m.ID)
			}
			return "", err
		}
		// Someone holds this version. It is a crashed write's leftover only
		// if the resource is still at the version before it and the claim
		// is old; then it is cleared and the insert tried once more.
		n, cerr := c.db.collection(c.spec.Collection).CountDocuments(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version - 1}})
		if cerr != nil {
			return "", translateDB(cerr)
		}
		if n == 0 {
			return "", fmt.Errorf("%w: %s was changed by someone else", models.ErrStale, m.ID)
		}
		res, derr := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: doc.ID}, {Key: "at", Value: bson.D{{Key: "$lt", Value: now().Add(-staleClaim)}}}})
		if derr != nil {
			return "", translateDB(derr)
		}
		if res.DeletedCount == 0 {
			return "", fmt.Errorf("%w: %s is being changed by someone else", models.ErrStale, m.ID)
		}
	}
}

func (c *Content[T, P]) missOrStale(ctx context.Context, id string) error {
	n, err := c.db.collection(c.spec.Collection).CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return translateDB(err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", models.ErrNotFound, id)
	}
	return fmt.Errorf("%w: %s was changed by someone else", models.ErrStale, id)
}

// keyConflict words a duplicate-key error for the client.
func (c *Content[T, P]) keyConflict(err error, item P) error {
	if errors.Is(err, models.ErrConflict) {
		return models.Taken(c.spec.KeyField, item.Key())
	}
	return err
}
