package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// Migrations records the data migration level the database has reached
// (internal/migrate runs the steps): one document, _id "level", with the
// level and a line per applied step.
type Migrations struct {
	db *DB
}

// NewMigrations returns the store.
func NewMigrations(db *DB) *Migrations { return &Migrations{db: db} }

const migrationsCollection = "migrations"

// AppliedMigration is one applied step as recorded.
type AppliedMigration struct {
	Level  int       `bson:"level" json:"level"`
	Name   string    `bson:"name" json:"name"`
	At     time.Time `bson:"at" json:"at"`
	TookMS int64     `bson:"took_ms" json:"took_ms"`
}

type migrationLevel struct {
	ID      string             `bson:"_id"`
	Level   int                `bson:"level"`
	Applied []AppliedMigration `bson:"applied"`
}

// Level is the level reached: 0 for a database no migration has run on
// (a new one, or one made before migrations existed).
func (m *Migrations) Level(ctx context.Context) (int, error) {
	var doc migrationLevel
	err := translateDB(m.db.collection(migrationsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: "level"}}).Decode(&doc))
	if errors.Is(err, models.ErrNotFound) {
		return 0, nil
	}
	return doc.Level, err
}

// Applied lists the steps applied, oldest first.
func (m *Migrations) Applied(ctx context.Context) ([]AppliedMigration, error) {
	var doc migrationLevel
	err := translateDB(m.db.collection(migrationsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: "level"}}).Decode(&doc))
	if errors.Is(err, models.ErrNotFound) {
		return []AppliedMigration{}, nil
	}
	return doc.Applied, err
}

// Advance records step to as applied if the level is still from;
// models.ErrStale otherwise. The first step inserts the document, which
// the unique _id makes atomic; later ones update it conditionally (the
// migration lease keeps a second writer away on the embedded store).
func (m *Migrations) Advance(ctx context.Context, from, to int, name string, took time.Duration) error {
	coll := m.db.collection(migrationsCollection)
	step := AppliedMigration{Level: to, Name: name, At: now(), TookMS: took.Milliseconds()}
	if from == 0 {
		_, err := coll.InsertOne(ctx, migrationLevel{ID: "level", Level: to, Applied: []AppliedMigration{step}})
		if err = translateDB(err); errors.Is(err, models.ErrConflict) {
			return fmt.Errorf("%w: the migration level is not 0 any more", models.ErrStale)
		}
		return err
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "level"}, {Key: "level", Value: from}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "level", Value: to}}}, {Key: "$push", Value: bson.D{{Key: "applied", Value: step}}}})
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: the migration level is not %d any more", models.ErrStale, from)
	}
	return nil
}
