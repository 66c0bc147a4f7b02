package storage

import (
	"context"
	"sync"

	"github.com/jesenice/twincms/models"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Agreements answers "which documents record an agreement signed in these
// years" (the archive's year search) without reading every partnership
// per search: the agreements are kept in memory and reloaded only when
// the shared "partnerships" counter has moved. Its change hook (Changed)
// bumps that counter after every partnership write, on the writing
// instance before the write is answered, so one read of the tiny counter
// per search keeps the answer exact on every instance.
type Agreements struct {
	db      *DB
	changes *Changes

	mu   sync.Mutex
	seq  int64
	have bool
	list []agreementRef
}

type agreementRef struct {
	DocumentID string `bson:"document_id"`
	Year       int    `bson:"year"`
}

// NewAgreements returns the cache over the partnerships collection.
func NewAgreements(db *DB) *Agreements {
	return &Agreements{db: db, changes: NewCounter(db, "partnerships")}
}

// Changed is the change hook: a partnership write moves the counter (and,
// should that fail, at least this instance reloads).
func (a *Agreements) Changed(ctx context.Context, c models.Change) {
	if c.Resource != models.ResourcePartnership {
		return
	}
	if _, err := a.changes.Bump(context.WithoutCancel(ctx)); err != nil {
		a.mu.Lock()
		a.have = false
		a.mu.Unlock()
	}
}

// Documents returns the ids of documents recording an agreement signed in
// [from, to] (0: open).
func (a *Agreements) Documents(ctx context.Context, from, to int) ([]string, error) {
	seq, err := a.changes.Current(ctx)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.have || seq != a.seq {
		if err := a.load(ctx); err != nil {
			return nil, err
		}
		a.seq, a.have = seq, true
	}
	var ids []string
	for _, ag := range a.list {
		if ag.DocumentID != "" && (from == 0 || ag.Year >= from) && (to == 0 || ag.Year <= to) {
			ids = append(ids, ag.DocumentID)
		}
	}
	return ids, nil
}

// load reads the agreements of every partnership (only those fields).
func (a *Agreements) load(ctx context.Context) error {
	cur, err := a.db.collection("partnerships").Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "agreements.document_id", Value: 1}, {Key: "agreements.year", Value: 1}}))
	if err != nil {
		return translateDB(err)
	}
	var rows []struct {
		Agreements []agreementRef `bson:"agreements"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return translateDB(err)
	}
	a.list = a.list[:0]
	for _, r := range rows {
		a.list = append(a.list, r.Agreements...)
	}
	return nil
}
