package storage

import (
	"context"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const auditCollection = "audit"

// Audit keeps the audit log: append-only entries, read newest first.
type Audit struct {
	db *DB
}

// NewAudit creates the audit log's indexes.
func NewAudit(ctx context.Context, db *DB) (*Audit, error) {
	if err := db.ensureIndex(ctx, auditCollection, bson.D{{Key: "at", Value: -1}}, false); err != nil {
		return nil, err
	}
	return &Audit{db: db}, nil
}

// NewAuditID makes an entry's id; object ids sort by time.
func NewAuditID() string { return bson.NewObjectID().Hex() }

// Append stores one entry.
func (a *Audit) Append(ctx context.Context, e models.AuditEntry) error {
	_, err := a.db.collection(auditCollection).InsertOne(ctx, e)
	return translateDB(err)
}

func auditFilter(q models.AuditQuery) bson.D {
	f := bson.D{}
	if q.Actor != "" {
		f = append(f, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "actor.token_id", Value: q.Actor}}, bson.D{{Key: "actor.name", Value: q.Actor}}}})
	}
	if q.Resource != "" {
		f = append(f, bson.E{Key: "resource", Value: q.Resource})
	}
	if q.Action != "" {
		f = append(f, bson.E{Key: "action", Value: q.Action})
	}
	at := bson.D{}
	if !q.From.IsZero() {
		at = append(at, bson.E{Key: "$gte", Value: q.From})
	}
	if !q.To.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: q.To})
	}
	if len(at) > 0 {
		f = append(f, bson.E{Key: "at", Value: at})
	}
	return f
}

var auditOrder = bson.D{{Key: "at", Value: -1}, {Key: "_id", Value: -1}}

// List returns a page of matching entries, newest first.
func (a *Audit) List(ctx context.Context, q models.AuditQuery) (models.List[models.AuditEntry], error) {
	coll := a.db.collection(auditCollection)
	f := auditFilter(q)
	total, err := coll.CountDocuments(ctx, f)
	if err != nil {
		return models.List[models.AuditEntry]{}, translateDB(err)
	}
	cur, err := coll.Find(ctx, f, options.Find().SetSort(auditOrder).SetSkip(int64((q.Page-1)*q.PerPage)).SetLimit(int64(q.PerPage)))
	if err != nil {
		return models.List[models.AuditEntry]{}, translateDB(err)
	}
	items := []models.AuditEntry{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.AuditEntry]{}, translateDB(err)
	}
	return models.List[models.AuditEntry]{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}, nil
}

// Each calls fn for every matching entry, newest first, reading a batch
// at a time (an export never holds the whole log in memory).
func (a *Audit) Each(ctx context.Context, q models.AuditQuery, fn func(models.AuditEntry) error) error {
	cur, err := a.db.collection(auditCollection).Find(ctx, auditFilter(q), options.Find().SetSort(auditOrder).SetBatchSize(500))
	if err != nil {
		return translateDB(err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var e models.AuditEntry
		if err := cur.Decode(&e); err != nil {
			return translateDB(err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return translateDB(cur.Err())
}

// Prune removes entries older than before and says how many.
func (a *Audit) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := a.db.collection(auditCollection).DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, translateDB(err)
	}
	return res.DeletedCount, nil
}
