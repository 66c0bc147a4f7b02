package storage

import (
	"context"
	"errors"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// HarvestRecords are the OAI-PMH repository's records (collection
// oai_records), deleted ones kept: the protocol's persistent deleted
// records. Lists are keyed by (datestamp, _id), so a resumed list goes
// on after the last record it sent, whatever changed meanwhile.
type HarvestRecords struct{ db *DB }

const harvestCollection = "oai_records"

// NewHarvestRecords returns the store, its list index made.
func NewHarvestRecords(ctx context.Context, db *DB) (*HarvestRecords, error) {
	if err := db.ensureIndex(ctx, harvestCollection, bson.D{{Key: "datestamp", Value: 1}, {Key: "_id", Value: 1}}, false); err != nil {
		return nil, err
	}
	return &HarvestRecords{db: db}, nil
}

// All returns every record, deleted ones too.
func (h *HarvestRecords) All(ctx context.Context) ([]models.HarvestRecord, error) {
	cur, err := h.db.collection(harvestCollection).Find(ctx, bson.D{})
	if err != nil {
		return nil, translateDB(err)
	}
	var out []models.HarvestRecord
	return out, translateDB(cur.All(ctx, &out))
}

// Put stores r, replacing the record with its id.
func (h *HarvestRecords) Put(ctx context.Context, r models.HarvestRecord) error {
	_, err := h.db.collection(harvestCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, r, options.Replace().SetUpsert(true))
	return translateDB(err)
}

// Get returns one record; models.ErrNotFound.
func (h *HarvestRecords) Get(ctx context.Context, id string) (models.HarvestRecord, error) {
	var r models.HarvestRecord
	err := h.db.collection(harvestCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	return r, translateDB(err)
}

func harvestFilter(q models.HarvestQuery) bson.D {
	f := bson.D{}
	date := bson.D{}
	if !q.From.IsZero() {
		date = append(date, bson.E{Key: "$gte", Value: q.From})
	}
	if !q.Until.IsZero() {
		date = append(date, bson.E{Key: "$lte", Value: q.Until})
	}
	if len(date) > 0 {
		f = append(f, bson.E{Key: "datestamp", Value: date})
	}
	if q.Set != "" {
		f = append(f, bson.E{Key: "sets", Value: q.Set})
	}
	if !q.AfterDate.IsZero() {
		f = append(f, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "datestamp", Value: bson.D{{Key: "$gt", Value: q.AfterDate}}}},
			bson.D{{Key: "datestamp", Value: q.AfterDate}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: q.AfterID}}}},
		}})
	}
	return f
}

// List returns the records q selects in (datestamp, id) order.
func (h *HarvestRecords) List(ctx context.Context, q models.HarvestQuery) ([]models.HarvestRecord, error) {
	opts := options.Find().SetSort(bson.D{{Key: "datestamp", Value: 1}, {Key: "_id", Value: 1}})
	if q.Limit > 0 {
		opts.SetLimit(int64(q.Limit))
	}
	cur, err := h.db.collection(harvestCollection).Find(ctx, harvestFilter(q), opts)
	if err != nil {
		return nil, translateDB(err)
	}
	var out []models.HarvestRecord
	return out, translateDB(cur.All(ctx, &out))
}

// Count counts the records q selects (Limit and the key ignored).
func (h *HarvestRecords) Count(ctx context.Context, q models.HarvestQuery) (int64, error) {
	q.AfterDate, q.AfterID = time.Time{}, ""
	n, err := h.db.collection(harvestCollection).CountDocuments(ctx, harvestFilter(q))
	return n, translateDB(err)
}

// Earliest is the oldest datestamp; the zero time when there is none.
func (h *HarvestRecords) Earliest(ctx context.Context) (time.Time, error) {
	var r models.HarvestRecord
	err := h.db.collection(harvestCollection).FindOne(ctx, bson.D{},
		options.FindOne().SetSort(bson.D{{Key: "datestamp", Value: 1}})).Decode(&r)
	if err = translateDB(err); errors.Is(err, models.ErrNotFound) {
		return time.Time{}, nil
	}
	return r.Datestamp, err
}
