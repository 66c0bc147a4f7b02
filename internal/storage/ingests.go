package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

const ingestsCollection = "ingest_jobs"

// Ingests keeps bulk ingest jobs (models.IngestJob), so that every
// instance can report a job whichever instance runs it.
type Ingests struct {
	db *DB
}

// NewIngests returns the job store.
func NewIngests(db *DB) *Ingests { return &Ingests{db: db} }

// InsertIngest records a new job.
func (s *Ingests) InsertIngest(ctx context.Context, j *models.IngestJob) error {
	_, err := s.db.collection(ingestsCollection).InsertOne(ctx, j)
	return translateDB(err)
}

// UpdateIngest replaces a job's record. With a non-zero expected, only if
// the stored record's UpdatedAt is still expected (models.ErrStale when
// not): a read+write, the conditional update FerretDB can do.
func (s *Ingests) UpdateIngest(ctx context.Context, j *models.IngestJob, expected time.Time) error {
	filter := bson.D{{Key: "_id", Value: j.ID}}
	if !expected.IsZero() {
		filter = append(filter, bson.E{Key: "updated_at", Value: expected})
	}
	res, err := s.db.collection(ingestsCollection).ReplaceOne(ctx, filter, j)
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		if expected.IsZero() {
			return fmt.Errorf("%w: ingest job %s", models.ErrNotFound, j.ID)
		}
		return fmt.Errorf("%w: ingest job %s changed meanwhile", models.ErrStale, j.ID)
	}
	return nil
}

// GetIngest returns a job. Errors: models.ErrNotFound.
func (s *Ingests) GetIngest(ctx context.Context, id string) (*models.IngestJob, error) {
	var j models.IngestJob
	if err := s.db.collection(ingestsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&j); err != nil {
		return nil, translateDB(err)
	}
	if j.Errors == nil {
		j.Errors = []models.IngestError{}
	}
	return &j, nil
}
