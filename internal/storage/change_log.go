package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// ChangeLog is the content change counter (Changes) with a log of what
// each bump was for, so that another instance applies only what changed
// instead of relisting all published content. There are no transactions
// on the embedded store: an entry is written after its bump, keyed by the
// counter's new value. A value without an entry (a writer stopped between
// the two, or a tool that only bumps) is a gap the reader cannot fill, and
// it falls back to a full reload.
type ChangeLog struct {
	*Changes
}

// NewChangeLog returns the content change log over the content counter.
func NewChangeLog(db *DB) *ChangeLog { return &ChangeLog{Changes: NewChanges(db)} }

const changeLogCollection = "change_log"

// Append bumps the counter and logs what the change touched under the new
// value, which it returns. A value with an error means the counter moved
// but the entry was not written (a gap readers reload for); 0 means the
// counter did not move.
func (l *ChangeLog) Append(ctx context.Context, resource models.Resource, id string) (int64, error) {
	seq, err := l.Bump(ctx)
	if err != nil {
		return 0, err
	}
	_, err = l.db.collection(changeLogCollection).InsertOne(ctx, bson.D{{Key: "_id", Value: seq},
		{Key: "resource", Value: string(resource)}, {Key: "id", Value: id}, {Key: "at", Value: now()}})
	return seq, translateDB(err)
}

// Since returns the entries after the value after up to and including
// upto, in order; values without an entry are left out.
func (l *ChangeLog) Since(ctx context.Context, after, upto int64) ([]models.LoggedChange, error) {
	cur, err := l.db.collection(changeLogCollection).Find(ctx,
		bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}, {Key: "$lte", Value: upto}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	var out []models.LoggedChange
	return out, translateDB(cur.All(ctx, &out))
}

// Prune removes the entries below the value before: a reader further
// behind than that meets a gap and reloads everything.
func (l *ChangeLog) Prune(ctx context.Context, before int64) error {
	_, err := l.db.collection(changeLogCollection).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}}})
	return translateDB(err)
}
