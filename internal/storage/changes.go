package storage

import (
	"context"
	"errors"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Changes is a content change counter in the database. Every instance bumps
// it after a content write and polls it, which is how several instances on
// one database notice each other's changes without change streams (the
// embedded store has none). Polling reads one tiny document.
type Changes struct {
	db  *DB
	key string
}

// NewChanges returns the content counter.
func NewChanges(db *DB) *Changes { return &Changes{db: db, key: "content"} }

// NewCounter returns another named counter in the same collection (the
// document index's is "documents").
func NewCounter(db *DB, key string) *Changes { return &Changes{db: db, key: key} }

const changesCollection = "changes"

// Bump increments the counter and returns the new value.
func (c *Changes) Bump(ctx context.Context) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	err := c.db.collection(changesCollection).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: c.key}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}},
		options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
	return doc.Seq, translateDB(err)
}

// Current returns the counter (0 before the first change).
func (c *Changes) Current(ctx context.Context) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	err := translateDB(c.db.collection(changesCollection).FindOne(ctx, bson.D{{Key: "_id", Value: c.key}}).Decode(&doc))
	if errors.Is(err, models.ErrNotFound) {
		return 0, nil
	}
	return doc.Seq, err
}

// Flags are named one-time facts of an installation ("demo content was
// loaded"), kept so that they survive restarts.
type Flags struct {
	db *DB
}

// NewFlags returns the flag store.
func NewFlags(db *DB) *Flags { return &Flags{db: db} }

// IsSet tells whether name was set.
func (f *Flags) IsSet(ctx context.Context, name string) (bool, error) {
	n, err := f.db.collection("flags").CountDocuments(ctx, bson.D{{Key: "_id", Value: name}})
	return n > 0, translateDB(err)
}

// Set records name.
func (f *Flags) Set(ctx context.Context, name string) error {
	_, err := f.db.collection("flags").ReplaceOne(ctx, bson.D{{Key: "_id", Value: name}},
		bson.D{{Key: "_id", Value: name}, {Key: "at", Value: now()}}, options.Replace().SetUpsert(true))
	return translateDB(err)
}
