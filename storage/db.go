package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// DB is the MongoDB database (embedded FerretDB or a real MongoDB).
type DB struct {
	client *mongo.Client
	db     *mongo.Database
}

// OpenDB connects and pings, so a wrong URI fails the start, not the first
// request.
func OpenDB(ctx context.Context, uri, database string) (*DB, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetTimeout(30 * time.Second).
		SetAppName("twincms"))
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	d := &DB{client: client, db: client.Database(database)}
	if err := d.Ping(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	return d, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := d.db.RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		return fmt.Errorf("%w: database: %v", models.ErrUnavailable, err)
	}
	return nil
}

// Close disconnects.
func (d *DB) Close(ctx context.Context) error { return d.client.Disconnect(ctx) }

// collection gives repositories their collection.
func (d *DB) collection(name string) *mongo.Collection { return d.db.Collection(name) }

// ensureIndex creates a (unique) index; FerretDB accepts the same command.
func (d *DB) ensureIndex(ctx context.Context, coll string, keys bson.D, unique bool) error {
	_, err := d.collection(coll).Indexes().CreateOne(ctx, mongo.IndexModel{Keys: keys, Options: options.Index().SetUnique(unique)})
	if err != nil {
		return fmt.Errorf("index on %s: %w", coll, translateDB(err))
	}
	return nil
}

// translateDB turns driver errors into models errors at the storage edge.
func translateDB(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%w", models.ErrNotFound)
	case mongo.IsDuplicateKeyError(err):
		return models.Hide(models.ErrConflict, "a value that must be unique is already taken", err)
	case mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("%w: database: %v", models.ErrUnavailable, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	var se mongo.ServerError
	if errors.As(err, &se) && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		// FerretDB's SQLite backend reports a unique index violation on
		// update as InternalError instead of code 11000.
		return models.Hide(models.ErrConflict, "a value that must be unique is already taken", err)
	}
	if errors.As(err, &se) {
		return fmt.Errorf("database: %w", err)
	}
	// Server selection failures and the like mean the database is down.
	return fmt.Errorf("%w: database: %v", models.ErrUnavailable, err)
}
