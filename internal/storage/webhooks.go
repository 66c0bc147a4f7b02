package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const webhooksCollection = "webhooks"

// Webhooks keeps webhook subscriptions (with their signing secrets).
type Webhooks struct {
	db *DB
}

// NewWebhooks returns the webhook store.
func NewWebhooks(db *DB) *Webhooks { return &Webhooks{db: db} }

// Insert stores a new webhook.
func (s *Webhooks) Insert(ctx context.Context, w models.Webhook) error {
	_, err := s.db.collection(webhooksCollection).InsertOne(ctx, w)
	return translateDB(err)
}

// Get returns one webhook, models.ErrNotFound when there is none.
func (s *Webhooks) Get(ctx context.Context, id string) (models.Webhook, error) {
	var w models.Webhook
	err := s.db.collection(webhooksCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&w)
	return w, translateDB(err)
}

// List returns every webhook, oldest first.
func (s *Webhooks) List(ctx context.Context) ([]models.Webhook, error) {
	cur, err := s.db.collection(webhooksCollection).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Webhook{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translateDB(err)
	}
	return out, nil
}

// Replace stores w over the webhook of its id.
func (s *Webhooks) Replace(ctx context.Context, w models.Webhook) error {
	res, err := s.db.collection(webhooksCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: w.ID}}, w)
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}

// Delete removes a webhook; models.ErrNotFound when there was none.
func (s *Webhooks) Delete(ctx context.Context, id string) error {
	res, err := s.db.collection(webhooksCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return translateDB(err)
	}
	if res.DeletedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}
