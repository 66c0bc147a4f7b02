package storage

import (
	"context"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// PartnershipSummaries reads what the archive's partnership index keeps of
// each partnership (readmodel.PartnershipIndex is its one user).
type PartnershipSummaries struct{ db *DB }

// NewPartnershipSummaries reads summaries from db's partnerships.
func NewPartnershipSummaries(db *DB) PartnershipSummaries { return PartnershipSummaries{db: db} }

var summaryFields = options.Find().SetProjection(bson.D{{Key: "slug", Value: 1}, {Key: "status", Value: 1}, {Key: "sort", Value: 1},
	{Key: "name_key", Value: 1}, {Key: "partner.name", Value: 1}, {Key: "agreements.document_id", Value: 1}, {Key: "agreements.year", Value: 1}}).
	SetBatchSize(loadBatch)

// Summaries reads the summary of partnership id, or of every partnership
// when id is "". Errors: models.ErrUnavailable.
func (s PartnershipSummaries) Summaries(ctx context.Context, id string) ([]*models.PartnershipSummary, error) {
	filter := bson.D{}
	if id != "" {
		filter = bson.D{{Key: "_id", Value: id}}
	}
	cur, err := s.db.collection("partnerships").Find(ctx, filter, summaryFields)
	if err != nil {
		return nil, translateDB(err)
	}
	rows := []*models.PartnershipSummary{}
	return rows, translateDB(cur.All(ctx, &rows))
}
