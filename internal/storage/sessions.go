package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const sessionsCollection = "sessions"

// Sessions keeps signed-in browsers (collection sessions), found by the
// hash of the cookie's secret. FerretDB has no TTL indexes: expired
// sessions are refused when read and removed by DeleteExpired.
type Sessions struct{ db *DB }

// NewSessions creates the indexes (hash unique, user).
func NewSessions(ctx context.Context, db *DB) (*Sessions, error) {
	if err := db.ensureIndex(ctx, sessionsCollection, bson.D{{Key: "hash", Value: 1}}, true); err != nil {
		return nil, err
	}
	if err := db.ensureIndex(ctx, sessionsCollection, bson.D{{Key: "user_id", Value: 1}}, false); err != nil {
		return nil, err
	}
	return &Sessions{db: db}, nil
}

// NewSessionID makes a session id.
func NewSessionID() string { return bson.NewObjectID().Hex() }

// Insert stores a new session.
func (s *Sessions) Insert(ctx context.Context, sess *models.Session) error {
	_, err := s.db.collection(sessionsCollection).InsertOne(ctx, sess)
	return translateDB(err)
}

// ByHash returns the session whose secret has this hash; ErrNotFound.
func (s *Sessions) ByHash(ctx context.Context, hash string) (*models.Session, error) {
	var out models.Session
	err := translateDB(s.db.collection(sessionsCollection).FindOne(ctx, bson.D{{Key: "hash", Value: hash}}).Decode(&out))
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Touch records activity of session id at at.
func (s *Sessions) Touch(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.collection(sessionsCollection).UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_seen", Value: at}}}})
	return translateDB(err)
}

// Delete ends session id of user userID; ErrNotFound.
func (s *Sessions) Delete(ctx context.Context, userID, id string) error {
	res, err := s.db.collection(sessionsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "user_id", Value: userID}})
	if err != nil {
		return translateDB(err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: no such session", models.ErrNotFound)
	}
	return nil
}

// DeleteUser ends every session of userID and says how many there were.
func (s *Sessions) DeleteUser(ctx context.Context, userID string) (int64, error) {
	res, err := s.db.collection(sessionsCollection).DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	if err != nil {
		return 0, translateDB(err)
	}
	return res.DeletedCount, nil
}

// ListUser returns userID's sessions, the latest active first.
func (s *Sessions) ListUser(ctx context.Context, userID string) ([]models.Session, error) {
	cur, err := s.db.collection(sessionsCollection).Find(ctx, bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "last_seen", Value: -1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Session{}
	return out, translateDB(cur.All(ctx, &out))
}

// DeleteExpired removes the sessions past their absolute end or idle
// since before idleSince.
func (s *Sessions) DeleteExpired(ctx context.Context, now, idleSince time.Time) (int64, error) {
	res, err := s.db.collection(sessionsCollection).DeleteMany(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}},
		bson.D{{Key: "last_seen", Value: bson.D{{Key: "$lt", Value: idleSince}}}},
	}}})
	if err != nil {
		return 0, translateDB(err)
	}
	return res.DeletedCount, nil
}
