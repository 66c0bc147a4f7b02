package storage_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/storage"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BenchmarkMigrateContentDrafts5000 times data migration 1 on the embedded
// FerretDB over 5,000 partnerships in the shape before drafts (a third
// published; versions 1-4), as the issue asks. Each iteration first puts
// the records back in the old shape (not timed).
func BenchmarkMigrateContentDrafts5000(b *testing.B) {
	ctx := context.Background()
	e, err := embedded.StartDB(ctx, b.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	db, err := storage.OpenDB(ctx, e.URI(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close(ctx)
	client, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
	if err != nil {
		b.Fatal(err)
	}
	defer client.Disconnect(ctx)
	coll := client.Database("bench").Collection("partnerships")
	docs := make([]any, 5000)
	for i := range docs {
		status := "draft"
		if i%3 == 0 {
			status = "published"
		}
		docs[i] = bson.D{{Key: "_id", Value: bson.NewObjectID().Hex()}, {Key: "slug", Value: fmt.Sprintf("town-%d", i)},
			{Key: "status", Value: status}, {Key: "version", Value: int64(1 + i%4)},
			{Key: "partner", Value: bson.D{{Key: "name", Value: bson.D{{Key: "sl", Value: fmt.Sprintf("Mesto %d", i)}}}, {Key: "country", Value: "SI"}}}}
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		// Back to the old shape: the records as they were inserted.
		if err := coll.Drop(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.MigrateContentDrafts(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	n, err := coll.CountDocuments(ctx, bson.D{{Key: "published_version", Value: bson.D{{Key: "$exists", Value: false}}}})
	if err != nil || n != 0 {
		b.Fatalf("%d records left unmigrated (%v)", n, err)
	}
}
