package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/ingest"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The sweeper repairs each state a crash between two writes can leave:
// a record without its ingest event, a purge cut off after its event, a
// claim whose document never came to be (fresh: uploads of those bytes are
// duplicates of the one being ingested; stale or swept: released).
func TestSweepRepairsInterruptedIngestsAndPurges(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	db := rawDB(t, s)
	upload := func(title string, data []byte) apitest.Resp {
		return s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", title), "sken.pdf", "", data)
	}

	// Crash between record and event.
	a := apitest.Expect(t, upload("A", apitest.PDFBytes("record without event", 50<<10)), 201).Map(t)["id"].(string)
	if _, err := db.Collection("document_events").DeleteMany(ctx, bson.D{{Key: "document_id", Value: a}}); err != nil {
		t.Fatal(err)
	}
	// Crash after the purge's event, before the record went.
	bData := apitest.PDFBytes("purge cut off", 50<<10)
	b := apitest.Expect(t, upload("B", bData), 201).Map(t)["id"].(string)
	if err := s.CMS.Documents.AppendEvent(ctx, models.Event{ID: models.EventID(b, models.EventPurged), DocumentID: b,
		Type: models.EventPurged, At: time.Now().UTC(), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	// Crashes between claim and record: one fresh, one stale.
	fresh, stale := apitest.PDFBytes("fresh claim", 50<<10), apitest.PDFBytes("stale claim", 50<<10)
	const ghostFresh, ghostStale = "0123456789abcdef0123456a", "0123456789abcdef0123456b"
	if _, _, err := s.CMS.Documents.Claim(ctx, apitest.SHA(fresh), ghostFresh, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CMS.Documents.Claim(ctx, apitest.SHA(stale), ghostStale, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if p := apitest.ExpectProblem(t, upload("fresh", fresh), 409, "conflict"); p["duplicate_of"] != ghostFresh {
		t.Fatalf("duplicate_of %v, want the claim's %s", p["duplicate_of"], ghostFresh)
	}
	apitest.Expect(t, upload("stale", stale), 201) // the next upload takes a stale claim over

	res, err := s.CMS.Ingest.Sweep(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.RepairedEvents != 1 || res.FinishedPurges != 1 || res.StaleClaims != 1 || res.OrphanObjects != 1 {
		t.Fatalf("sweep: %+v, want one repaired event, one finished purge, one stale claim, one orphan", res)
	}
	events, err := s.CMS.Documents.Events(ctx, a)
	if err != nil || len(events) != 1 || events[0].Type != models.EventIngested || !strings.Contains(events[0].Detail, "sha256 ") {
		t.Fatalf("events of %s after the repair: %+v %v", a, events, err)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + b, Token: apitest.AdminToken}), 404, "not-found")
	apitest.Expect(t, upload("fresh again", fresh), 201) // its claim was swept
	apitest.Expect(t, upload("B again", bData), 201)     // a purge releases the bytes
	s.ExpectConsistentStore(t)
	if again, _ := s.CMS.Ingest.Sweep(ctx, 0); again != (ingest.SweepResult{}) {
		t.Fatalf("a second sweep still found work: %+v", again)
	}
}

// rawDB is the server's database as a driver sees it, to cut writes short
// the way a crash would.
func rawDB(t *testing.T, s *apitest.Server) *mongo.Database {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(s.CMS.EmbeddedDB.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(s.Cfg.MongoDatabase)
}
