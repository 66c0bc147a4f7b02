package storage_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"

	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/storage"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Migration 1 rebuilds a collection and swaps it in by renames; a crash
// can leave it at any step. Run again, it finishes the work from each of
// those states: every record migrated once, none lost, no leftovers.
func TestDraftsMigrationResumesAfterACrashAtEveryStep(t *testing.T) {
	ctx := t.Context()
	e, err := embedded.StartDB(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	client, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.WithoutCancel(ctx))
	oldShape := func(n int) []any {
		var docs []any
		for i := range n {
			status := "draft"
			if i%2 == 0 {
				status = "published"
			}
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("id%04d", i)}, {Key: "slug", Value: fmt.Sprintf("town-%d", i)},
				{Key: "status", Value: status}, {Key: "version", Value: int64(2)}})
		}
		return docs
	}
	migrated := func(n int) []any {
		var docs []any
		for _, d := range oldShape(n) {
			d := d.(bson.D)
			if d[2].Value == "published" {
				d = append(d, bson.E{Key: "published_version", Value: int64(2)}, bson.E{Key: "draft_version", Value: nil}, bson.E{Key: "has_unpublished_changes", Value: false})
			} else {
				d = append(d, bson.E{Key: "published_version", Value: nil}, bson.E{Key: "draft_version", Value: int64(2)}, bson.E{Key: "has_unpublished_changes", Value: true})
			}
			docs = append(docs, d)
		}
		return docs
	}
	const n = 1203 // more than two batches
	cases := []struct {
		name  string
		state map[string][]any
	}{
		{"before it ran", map[string][]any{"partnerships": oldShape(n)}},
		{"copy half built", map[string][]any{"partnerships": oldShape(n), "partnerships__m1_new": migrated(n)[:700]}},
		{"between the renames", map[string][]any{"partnerships__m1_new": migrated(n), "partnerships__m1_old": oldShape(n)}},
		{"before the old was dropped", map[string][]any{"partnerships": migrated(n), "partnerships__m1_old": oldShape(n)}},
		{"already done", map[string][]any{"partnerships": migrated(n)}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dbName := fmt.Sprintf("resume%d", i)
			for coll, docs := range c.state {
				if _, err := client.Database(dbName).Collection(coll).InsertMany(ctx, docs); err != nil {
					t.Fatal(err)
				}
			}
			db, err := storage.OpenDB(ctx, e.URI(), dbName)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close(context.WithoutCancel(ctx))
			if err := db.MigrateContentDrafts(ctx); err != nil {
				t.Fatal(err)
			}
			names, _ := client.Database(dbName).ListCollectionNames(ctx, bson.D{})
			if slices.Contains(names, "partnerships__m1_new") || slices.Contains(names, "partnerships__m1_old") {
				t.Fatalf("leftovers: %v", names)
			}
			coll := client.Database(dbName).Collection("partnerships")
			if got, _ := coll.CountDocuments(ctx, bson.D{}); got != n {
				t.Fatalf("%d records, want %d", got, n)
			}
			for _, q := range []struct {
				filter bson.D
				want   int64
			}{
				{bson.D{{Key: "status", Value: "published"}, {Key: "published_version", Value: int64(2)}, {Key: "draft_version", Value: nil}, {Key: "has_unpublished_changes", Value: false}}, (n + 1) / 2},
				{bson.D{{Key: "status", Value: "draft"}, {Key: "published_version", Value: nil}, {Key: "draft_version", Value: int64(2)}, {Key: "has_unpublished_changes", Value: true}}, n / 2},
			} {
				if got, err := coll.CountDocuments(ctx, q.filter); err != nil || got != q.want {
					t.Fatalf("%v: %d records (%v), want %d", q.filter, got, err, q.want)
				}
			}
		})
	}
}
