package storage

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const tokensCollection = "tokens"

// Tokens keeps API tokens in the database and a copy of all of them in
// memory, so checking a token costs a map lookup instead of a query. The
// copy is reloaded after every change made here and every refresh
// interval, which is how other instances' changes arrive.
type Tokens struct {
	db *DB

	mu     sync.RWMutex
	byHash map[string]models.Token

	// reload makes each Reload's read and swap one step: without it, a
	// periodic reload that read before a Create's insert could swap its
	// stale copy in after the Create's own reload, and the new token would
	// be refused until the next interval.
	reload sync.Mutex
}

// NewTokens loads the tokens and creates the index.
func NewTokens(ctx context.Context, db *DB) (*Tokens, error) {
	t := &Tokens{db: db}
	if err := db.ensureIndex(ctx, tokensCollection, bson.D{{Key: "hash", Value: 1}}, true); err != nil {
		return nil, err
	}
	if err := t.Reload(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// Reload replaces the in-memory copy with the database's tokens.
func (t *Tokens) Reload(ctx context.Context) error {
	t.reload.Lock()
	defer t.reload.Unlock()
	cur, err := t.db.collection(tokensCollection).Find(ctx, bson.D{})
	if err != nil {
		return translateDB(err)
	}
	var all []models.Token
	if err := cur.All(ctx, &all); err != nil {
		return translateDB(err)
	}
	m := make(map[string]models.Token, len(all))
	for _, tok := range all {
		m[tok.Hash] = tok
	}
	t.mu.Lock()
	t.byHash = m
	t.mu.Unlock()
	return nil
}

// RefreshEvery reloads the tokens until ctx ends, so a token revoked on
// another instance stops working here within one interval.
func (t *Tokens) RefreshEvery(ctx context.Context, every time.Duration, logger *slog.Logger) {
	loop.Every(ctx, every, t.Reload, logger, loop.Name("token refresh"))
}

// Authenticate finds the token whose secret is given, without a query.
func (t *Tokens) Authenticate(secret string) (models.Token, bool) {
	h := models.HashToken(secret)
	t.mu.RLock()
	tok, ok := t.byHash[h]
	t.mu.RUnlock()
	return tok, ok
}

// Create stores a new token and returns it with its secret, which is not
// kept anywhere.
func (t *Tokens) Create(ctx context.Context, in models.TokenInput, by string) (models.Token, string, error) {
	secret := models.NewTokenSecret()
	tok := models.Token{
		ID: bson.NewObjectID().Hex(), Name: in.Name, Role: in.Role,
		Hash: models.HashToken(secret), Prefix: models.SecretPrefix(secret),
		CreatedAt: models.Now(), CreatedBy: by,
	}
	if _, err := t.db.collection(tokensCollection).InsertOne(ctx, tok); err != nil {
		return models.Token{}, "", translateDB(err)
	}
	return tok, secret, t.Reload(ctx)
}

// EnsureBootstrap stores the configured admin secret (hashed) under a fixed
// id, replacing an earlier bootstrap secret.
func (t *Tokens) EnsureBootstrap(ctx context.Context, secret string) error {
	tok := models.Token{
		ID: "bootstrap", Name: "bootstrap (TWINCMS_BOOTSTRAP_TOKEN)", Role: models.RoleAdmin,
		Hash: models.HashToken(secret), Prefix: models.SecretPrefix(secret),
		CreatedAt: models.Now(), CreatedBy: "config",
	}
	if cur, ok := t.Authenticate(secret); ok && cur.ID == tok.ID {
		return nil
	}
	_, err := t.db.collection(tokensCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: tok.ID}}, tok, options.Replace().SetUpsert(true))
	if err != nil {
		return translateDB(err)
	}
	return t.Reload(ctx)
}

// CountAdmins tells whether any admin token exists.
func (t *Tokens) CountAdmins() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := 0
	for _, tok := range t.byHash {
		if tok.Role == models.RoleAdmin {
			n++
		}
	}
	return n
}

// List returns every token, newest first, without hashes.
func (t *Tokens) List(ctx context.Context) ([]models.Token, error) {
	cur, err := t.db.collection(tokensCollection).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Token{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translateDB(err)
	}
	return out, nil
}

// Delete revokes a token.
func (t *Tokens) Delete(ctx context.Context, id string) error {
	res, err := t.db.collection(tokensCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return translateDB(err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("%w: token %s", models.ErrNotFound, id)
	}
	return t.Reload(ctx)
}
