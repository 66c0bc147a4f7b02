package storage

import (
	"context"
	"errors"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const outboxCollection = "webhook_outbox"

// Outbox keeps webhook deliveries: an entry is written by the change hook
// (so a delivery outlives a crash or restart) and updated by the delivery
// worker after each attempt.
type Outbox struct {
	db *DB
}

// NewOutbox creates the outbox's indexes.
func NewOutbox(ctx context.Context, db *DB) (*Outbox, error) {
	if err := db.ensureIndex(ctx, outboxCollection, bson.D{{Key: "status", Value: 1}, {Key: "next_attempt_at", Value: 1}}, false); err != nil {
		return nil, err
	}
	if err := db.ensureIndex(ctx, outboxCollection, bson.D{{Key: "webhook_id", Value: 1}, {Key: "created_at", Value: -1}}, false); err != nil {
		return nil, err
	}
	return &Outbox{db: db}, nil
}

// Insert adds entries to the outbox.
func (o *Outbox) Insert(ctx context.Context, ds []models.Delivery) error {
	docs := make([]any, len(ds))
	for i := range ds {
		docs[i] = ds[i]
	}
	_, err := o.db.collection(outboxCollection).InsertMany(ctx, docs)
	return translateDB(err)
}

// Due returns up to limit pending entries whose next attempt is at or
// before t, the longest waiting first.
func (o *Outbox) Due(ctx context.Context, t time.Time, limit int) ([]models.Delivery, error) {
	cur, err := o.db.collection(outboxCollection).Find(ctx,
		bson.D{{Key: "status", Value: models.DeliveryPending}, {Key: "next_attempt_at", Value: bson.D{{Key: "$lte", Value: t}}}},
		options.Find().SetSort(bson.D{{Key: "next_attempt_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translateDB(err)
	}
	var out []models.Delivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, translateDB(err)
	}
	return out, nil
}

// NextDue is the earliest next attempt of a pending entry, or false.
func (o *Outbox) NextDue(ctx context.Context) (time.Time, bool, error) {
	var d models.Delivery
	err := o.db.collection(outboxCollection).FindOne(ctx, bson.D{{Key: "status", Value: models.DeliveryPending}},
		options.FindOne().SetSort(bson.D{{Key: "next_attempt_at", Value: 1}})).Decode(&d)
	if err != nil {
		if err = translateDB(err); errors.Is(err, models.ErrNotFound) {
			return time.Time{}, false, nil
		}
		return time.Time{}, false, err
	}
	if d.NextAttempt == nil {
		return time.Time{}, false, nil
	}
	return *d.NextAttempt, true, nil
}

// Save stores an entry after an attempt or a redelivery.
func (o *Outbox) Save(ctx context.Context, d models.Delivery) error {
	res, err := o.db.collection(outboxCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d)
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return models.ErrNotFound
	}
	return nil
}

// Get returns one entry of a webhook.
func (o *Outbox) Get(ctx context.Context, webhookID, id string) (models.Delivery, error) {
	var d models.Delivery
	err := o.db.collection(outboxCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "webhook_id", Value: webhookID}}).Decode(&d)
	return d, translateDB(err)
}

// List returns a webhook's entries, newest first, a page at a time.
func (o *Outbox) List(ctx context.Context, webhookID string, page, perPage int) (models.List[models.Delivery], error) {
	filter := bson.D{{Key: "webhook_id", Value: webhookID}}
	coll := o.db.collection(outboxCollection)
	total, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return models.List[models.Delivery]{}, translateDB(err)
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64((page-1)*perPage)).SetLimit(int64(perPage)))
	if err != nil {
		return models.List[models.Delivery]{}, translateDB(err)
	}
	items := []models.Delivery{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.Delivery]{}, translateDB(err)
	}
	return models.List[models.Delivery]{Items: items, Total: total, Page: page, PerPage: perPage}, nil
}
