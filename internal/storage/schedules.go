package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Schedules keeps planned publishes and unpublishes (collection
// schedules). Status changes are conditional on the status read before;
// the schedule service holds the schedule's lease around them, because the
// embedded store evaluates a conditional update as a read and a write.
type Schedules struct {
	db *DB
}

// NewSchedules creates the index the runner's query uses.
func NewSchedules(ctx context.Context, db *DB) (*Schedules, error) {
	if err := db.ensureIndex(ctx, "schedules", bson.D{{Key: "status", Value: 1}, {Key: "at", Value: 1}}, false); err != nil {
		return nil, err
	}
	return &Schedules{db: db}, nil
}

// NewScheduleID makes a schedule id.
func NewScheduleID() string { return bson.NewObjectID().Hex() }

// Insert stores a new schedule.
func (s *Schedules) Insert(ctx context.Context, sc models.Schedule) error {
	_, err := s.db.collection("schedules").InsertOne(ctx, sc)
	return translateDB(err)
}

// Get returns one schedule; ErrNotFound.
func (s *Schedules) Get(ctx context.Context, id string) (models.Schedule, error) {
	var sc models.Schedule
	err := s.db.collection("schedules").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&sc)
	if err = translateDB(err); errors.Is(err, models.ErrNotFound) {
		return sc, fmt.Errorf("%w: no schedule %s", models.ErrNotFound, id)
	}
	return sc, err
}

// List filters and pages, the soonest first.
func (s *Schedules) List(ctx context.Context, q models.ScheduleQuery) (models.List[models.Schedule], error) {
	filter := scheduleFilter(q)
	coll := s.db.collection("schedules")
	total, err := coll.CountDocuments(ctx, filter)
	if err != nil {
		return models.List[models.Schedule]{}, translateDB(err)
	}
	cur, err := coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).
		SetSkip(int64((q.Page-1)*q.PerPage)).SetLimit(int64(q.PerPage)))
	if err != nil {
		return models.List[models.Schedule]{}, translateDB(err)
	}
	items := []models.Schedule{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.Schedule]{}, translateDB(err)
	}
	return models.List[models.Schedule]{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}, nil
}

func scheduleFilter(q models.ScheduleQuery) bson.D {
	filter := bson.D{}
	if q.Resource != "" {
		filter = append(filter, bson.E{Key: "resource", Value: q.Resource})
	}
	if q.ResourceID != "" {
		filter = append(filter, bson.E{Key: "resource_id", Value: q.ResourceID})
	}
	if q.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: q.Status})
	}
	return filter
}

// Due lists pending schedules whose time has come, the oldest first.
func (s *Schedules) Due(ctx context.Context, now time.Time, limit int) ([]models.Schedule, error) {
	cur, err := s.db.collection("schedules").Find(ctx,
		bson.D{{Key: "status", Value: models.SchedulePending}, {Key: "at", Value: bson.D{{Key: "$lte", Value: now}}}},
		options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Schedule{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translateDB(err)
	}
	return out, nil
}

// Pending lists the pending schedules of one record.
func (s *Schedules) Pending(ctx context.Context, resourceID string) ([]models.Schedule, error) {
	l, err := s.List(ctx, models.ScheduleQuery{ResourceID: resourceID, Status: models.SchedulePending, Page: 1, PerPage: 1000})
	return l.Items, err
}

// Save replaces a schedule if it is still pending; ErrConflict when it is
// not (it ran or was cancelled meanwhile).
func (s *Schedules) Save(ctx context.Context, sc models.Schedule) error {
	res, err := s.db.collection("schedules").ReplaceOne(ctx,
		bson.D{{Key: "_id", Value: sc.ID}, {Key: "status", Value: models.SchedulePending}}, sc)
	if err != nil {
		return translateDB(err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("%w: the schedule is no longer pending", models.ErrConflict)
	}
	return nil
}
