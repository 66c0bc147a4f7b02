// Package storage holds the MongoDB repositories: one type a collection
// (content, documents and their events and checksum claims, tokens,
// audit, webhooks and their outbox, schedules, leases, the change log),
// each translating driver errors into models errors at its edge. The same
// code serves the embedded FerretDB and a production MongoDB; only the
// address differs.
//
// It may import models, the mongo driver and the module's small helper
// packages (docindex, loop, probe); never the object store, handlers or
// the services above it.
package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/jesenice/twincms/internal/probe"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// DB is the MongoDB database (embedded FerretDB or a real MongoDB).
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// probe caches the readiness write probe; probeID is this process's
	// health record.
	probe   probe.Cache
	probeID string
}

// Database deadlines. A database that is down must fail a request in
// seconds (server selection), one that hangs as well (the client-wide
// operation timeout, which also covers each batch of a cursor); the
// slowest legitimate operation, a filter over 10k FerretDB documents,
// takes about 250 ms.
const (
	dbSelectTimeout = 2 * time.Second
	dbOpTimeout     = 4 * time.Second
)

// OpenDB connects and pings, so a wrong URI fails the start, not the first
// request.
func OpenDB(ctx context.Context, uri, database string) (*DB, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(dbSelectTimeout).
		SetConnectTimeout(dbSelectTimeout).
		SetHeartbeatInterval(2 * time.Second).
		SetTimeout(dbOpTimeout).
		SetAppName("twincms"))
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	d := &DB{client: client, db: client.Database(database), probeID: probe.ID()}
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

// isDiskFull recognises a write refused for lack of space: SQLite's
// SQLITE_FULL as FerretDB reports it, ENOSPC, MongoDB's OutOfDiskSpace (14031).
func isDiskFull(err error) bool {
	var se mongo.ServerError
	if errors.As(err, &se) && se.HasErrorCode(14031) {
		return true
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "SQLITE_FULL") ||
		strings.Contains(msg, "no space left on device")
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
	case isDiskFull(err):
		return fmt.Errorf("%w: database: the disk is full", models.ErrInsufficientStorage)
	case errors.Is(err, context.Canceled):
		return err // the client went away: nobody reads the answer
	case mongo.IsNetworkError(err) || mongo.IsTimeout(err) || errors.Is(err, mongo.ErrClientDisconnected),
		errors.Is(err, context.DeadlineExceeded):
		// A deadline is never an internal error: the database is slow or
		// hung, and the client may try again.
		return fmt.Errorf("%w: database: %v", models.ErrUnavailable, err)
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
