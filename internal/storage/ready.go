package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Ready reports whether the database answers (a ping on every call) and
// takes writes (an upsert of this process's health record, cached, see
// probe.Every). Errors: models.ErrUnavailable, models.ErrInsufficientStorage.
func (d *DB) Ready(ctx context.Context) error {
	return d.probe.Ready(ctx, d.Ping, func(ctx context.Context) error {
		_, err := d.collection("health").UpdateOne(ctx, bson.D{{Key: "_id", Value: d.probeID}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
		if err != nil {
			return fmt.Errorf("readiness probe: %w", translateDB(err))
		}
		return nil
	})
}
