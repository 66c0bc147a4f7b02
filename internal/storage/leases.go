package storage

import (
	"context"
	"errors"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Leases let one instance at a time do a job (the fixity audit) when
// several share a database. A lease is a document whose _id is the job
// name: taking it is an insert, which the unique _id makes atomic even on
// the embedded store (whose conditional updates are not).
type Leases struct {
	db *DB
}

// NewLeases returns the lease store.
func NewLeases(db *DB) *Leases { return &Leases{db: db} }

type lease struct {
	Name      string    `bson:"_id"`
	Holder    string    `bson:"holder"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// Acquire takes the lease for ttl; false when another holder has it.
func (l *Leases) Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	coll := l.db.collection("leases")
	for attempt := 0; attempt < 2; attempt++ {
		_, err := coll.InsertOne(ctx, lease{Name: name, Holder: holder, ExpiresAt: now().Add(ttl)})
		if err == nil {
			return true, nil
		}
		if !errors.Is(translateDB(err), models.ErrConflict) {
			return false, translateDB(err)
		}
		var cur lease
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&cur); err != nil {
			if errors.Is(translateDB(err), models.ErrNotFound) {
				continue // released meanwhile: try the insert again
			}
			return false, translateDB(err)
		}
		if cur.Holder == holder {
			return true, l.Renew(ctx, name, holder, ttl)
		}
		if cur.ExpiresAt.After(now()) {
			return false, nil
		}
		// Expired: remove exactly that lease, then race for the insert.
		if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: cur.Holder}, {Key: "expires_at", Value: cur.ExpiresAt}}); err != nil {
			return false, translateDB(err)
		}
	}
	return false, nil
}

// Renew extends a lease the holder has.
func (l *Leases) Renew(ctx context.Context, name, holder string, ttl time.Duration) error {
	_, err := l.db.collection("leases").UpdateOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "expires_at", Value: now().Add(ttl)}}}})
	return translateDB(err)
}

// Release gives the lease up.
func (l *Leases) Release(ctx context.Context, name, holder string) error {
	_, err := l.db.collection("leases").DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "holder", Value: holder}})
	return translateDB(err)
}

// FixityStates keeps the fixity audit's state document.
type FixityStates struct {
	db *DB
}

// NewFixityStates returns the store.
func NewFixityStates(db *DB) *FixityStates { return &FixityStates{db: db} }

// Load returns the state (empty before the first audit).
func (f *FixityStates) Load(ctx context.Context) (models.FixityState, error) {
	var s models.FixityState
	err := translateDB(f.db.collection("archive_state").FindOne(ctx, bson.D{{Key: "_id", Value: "fixity"}}).Decode(&s))
	if errors.Is(err, models.ErrNotFound) {
		return models.FixityState{}, nil
	}
	return s, err
}

// Save replaces the state; only the lease holder calls it.
func (f *FixityStates) Save(ctx context.Context, s models.FixityState) error {
	doc := struct {
		ID                 string `bson:"_id"`
		models.FixityState `bson:",inline"`
	}{"fixity", s}
	_, err := f.db.collection("archive_state").ReplaceOne(ctx, bson.D{{Key: "_id", Value: "fixity"}}, doc, options.Replace().SetUpsert(true))
	return translateDB(err)
}
