package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// storeWith starts FerretDB in a new directory with n documents in the
// collection "items" (ids "d0" …) and returns it, its client and the
// collection's SQLite table.
func storeWith(tb testing.TB, n int) (*DB, *mongo.Collection, string) {
	tb.Helper()
	dir := tb.TempDir()
	e, err := StartDB(tb.Context(), dir, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = e.Close() })
	c, err := mongo.Connect(options.Client().ApplyURI(e.URI()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Disconnect(context.WithoutCancel(tb.Context())) })
	coll := c.Database("twincms").Collection("items")
	for lo := 0; lo < n; lo += 500 {
		var docs []any
		for i := lo; i < min(lo+500, n); i++ {
			docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("d%d", i)}, {Key: "n", Value: i}, {Key: "text", Value: strings.Repeat("besedilo ", 40)}})
		}
		if _, err := coll.InsertMany(tb.Context(), docs); err != nil {
			tb.Fatal(err)
		}
	}
	var table string
	withFile(tb, dir, func(db *sql.DB) {
		if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'items'`).Scan(&table); err != nil {
			tb.Fatal(err)
		}
	})
	return e, coll, table
}

// withFile opens the store's one SQLite file beside FerretDB.
func withFile(tb testing.TB, dir string, f func(*sql.DB)) {
	tb.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(dir, "twincms.sqlite"))+"?_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	f(db)
}

// planOf is SQLite's plan for the statement FerretDB runs to update one
// document by _id.
func planOf(tb testing.TB, e *DB, table string) string {
	tb.Helper()
	var plan []string
	withFile(tb, e.dir, func(db *sql.DB) {
		rows, err := db.Query(fmt.Sprintf(`EXPLAIN QUERY PLAN UPDATE %q SET _ferretdb_sjson = ? WHERE _ferretdb_sjson->'$._id' = ?`, table), "{}", `"d1"`)
		if err != nil {
			tb.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				tb.Fatal(err)
			}
			plan = append(plan, detail)
		}
	})
	return strings.Join(plan, "; ")
}

// FerretDB's update by _id scans the table; after IndexIDs it searches
// the new index, and updates, finds by _id and deletes still do what
// they did. A second IndexIDs changes nothing.
func TestIndexIDsMakesUpdatesByIDSearchAnIndex(t *testing.T) {
	e, coll, table := storeWith(t, 300)
	if plan := planOf(t, e, table); !strings.Contains(plan, "SCAN") {
		t.Fatalf("before: %q (FerretDB's own index used? then IndexIDs is not needed)", plan)
	}
	for range 2 {
		if err := e.IndexIDs(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if plan := planOf(t, e, table); !strings.Contains(plan, "USING INDEX "+table+idIndexSuffix) {
		t.Fatalf("after: %q", plan)
	}
	ctx := t.Context()
	if res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: "d7"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: -7}}}}); err != nil || res.ModifiedCount != 1 {
		t.Fatalf("update: %+v, %v", res, err)
	}
	var got struct{ N int }
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "d7"}}).Decode(&got); err != nil || got.N != -7 {
		t.Fatalf("find: %+v, %v", got, err)
	}
	if res, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: "d8"}}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete: %+v, %v", res, err)
	}
	if n, err := coll.CountDocuments(ctx, bson.D{}); err != nil || n != 299 {
		t.Fatalf("count: %d, %v", n, err)
	}
	// A duplicate _id is still refused (FerretDB's unique index).
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "d9"}}); !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("duplicate insert: %v", err)
	}
}

// BenchmarkUpdateByID updates one document by _id in a collection of
// 5,000, with FerretDB's own indexes only and with IndexIDs' index, side
// by side:
//
//	go test -run '^$' -bench UpdateByID ./internal/embedded
func BenchmarkUpdateByID(b *testing.B) {
	const n = 5000
	e, coll, table := storeWith(b, n)
	for _, indexed := range []bool{false, true} {
		name := "ferretdb-indexes"
		if indexed {
			name = "with-IndexIDs"
			if err := e.IndexIDs(b.Context()); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				id := fmt.Sprintf("d%d", i*7919%n)
				if _, err := coll.UpdateOne(b.Context(), bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1}}}}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Logf("%s: %s", name, planOf(b, e, table))
	}
}
