package storage

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jesenice/twincms/internal/readmodel"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	documentsCollection = "documents"
	eventsCollection    = "document_events"
	uploadsCollection   = "uploads"
)

// Documents stores document records, their append-only events and direct
// uploads in progress.
type Documents struct {
	db    *DB
	locks stripedLocks
	// mem, when set, serves reads from memory (UseMemoryIndex).
	mem     *memoryIndex
	changes *readmodel.OwnCounter
	events  *eventWriter
}

// NewDocuments creates the indexes: the ones MongoDB answers lists and
// searches from (the embedded store scans regardless; there the memory
// index serves them, see UseMemoryIndex).
func NewDocuments(ctx context.Context, db *DB) (*Documents, error) {
	for _, keys := range []bson.D{
		{{Key: "file.sha256", Value: 1}},
		{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}},
		{{Key: "partnership_ids", Value: 1}, {Key: "created_at", Value: -1}},
		{{Key: "kind", Value: 1}, {Key: "created_at", Value: -1}},
		{{Key: "year", Value: 1}},
	} {
		if err := db.ensureIndex(ctx, documentsCollection, keys, false); err != nil {
			return nil, err
		}
	}
	if err := db.ensureIndex(ctx, eventsCollection, bson.D{{Key: "document_id", Value: 1}, {Key: "at", Value: 1}}, false); err != nil {
		return nil, err
	}
	return &Documents{db: db, changes: readmodel.NewOwnCounter(NewCounter(db, "documents")), events: newEventWriter(db)}, nil
}

// NewDocumentID makes the id of a document before it is stored, so its
// object key can name it.
func NewDocumentID() string { return bson.NewObjectID().Hex() }

// Insert stores a new document record, then its ingest event. Record
// first: a crash between the two leaves a record without its "ingested"
// event, which the sweeper writes from the record (ev carries a fixed id,
// models.EventID, so the repair and a late original never both land).
// The other order would leave a history for a document that never was.
func (d *Documents) Insert(ctx context.Context, doc *models.Document, ev models.Event) error {
	if _, err := d.db.collection(documentsCollection).InsertOne(ctx, doc); err != nil {
		return translateDB(err)
	}
	d.stored(ctx, doc)
	return d.AppendEvent(ctx, ev)
}

// Get returns a document by id.
// The caller may change the copy it gets. With the memory index, a miss
// asks the database: a document another instance just created is found.
func (d *Documents) Get(ctx context.Context, id string) (*models.Document, error) {
	if d.mem != nil {
		if err := d.db.Ping(ctx); err != nil {
			return nil, err
		}
		if doc, ok := d.mem.idx.Get(id); ok {
			return doc, nil
		}
	}
	doc, err := d.GetCurrent(ctx, id)
	if err == nil && d.mem != nil {
		d.mem.idx.Put(doc)
	}
	return doc, err
}

// GetCurrent reads document id from the database, never from the
// in-memory index. A change conditional on a version checks that version
// here: the index follows other instances' writes with a lag, and a stale
// copy there would refuse a caller who named the current version (412
// where the write should go through). What it reads is not put into the
// index: a write of this instance may have put a newer version there
// meanwhile.
func (d *Documents) GetCurrent(ctx context.Context, id string) (*models.Document, error) {
	var doc models.Document
	if err := d.db.collection(documentsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, translateDB(err)
	}
	return &doc, nil
}

// GetMany returns the documents with these ids, in no particular order;
// ids not found are left out. The published snapshot loads only the
// documents published content refers to this way.
func (d *Documents) GetMany(ctx context.Context, ids []string) ([]*models.Document, error) {
	out := []*models.Document{}
	if len(ids) == 0 {
		return out, nil
	}
	if d.mem != nil {
		// A miss asks the database by id (Get): a document another
		// instance created just now.
		for _, id := range ids {
			doc, err := d.Get(ctx, id)
			if errors.Is(err, models.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, doc)
		}
		return out, nil
	}
	cur, err := d.db.collection(documentsCollection).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, translateDB(err)
	}
	return out, translateDB(cur.All(ctx, &out))
}

// BySHA256 returns the active document holding these bytes, ErrNotFound
// if none (withdrawn and purged documents do not count).
func (d *Documents) BySHA256(ctx context.Context, sum string) (*models.Document, error) {
	if d.mem != nil {
		if doc, ok := d.mem.idx.Active(sum); ok {
			return doc, nil
		}
		return nil, fmt.Errorf("%w: no active document with sha256 %s", models.ErrNotFound, sum)
	}
	var doc models.Document
	if err := d.db.collection(documentsCollection).FindOne(ctx, bson.D{{Key: "file.sha256", Value: sum}, {Key: "status", Value: models.DocumentActive}}).Decode(&doc); err != nil {
		return nil, translateDB(err)
	}
	return &doc, nil
}

// List filters and pages documents, newest first (from memory with the
// memory index, which applies the same filter: docindex.Query).
func (d *Documents) List(ctx context.Context, q models.DocumentQuery) (models.List[*models.Document], error) {
	if d.mem != nil {
		if err := d.db.Ping(ctx); err != nil {
			return models.List[*models.Document]{}, err
		}
		return d.mem.idx.Query(q), nil
	}
	f := bson.D{}
	if q.Kind != "" {
		f = append(f, bson.E{Key: "kind", Value: q.Kind})
	}
	if q.Partnership != "" {
		f = append(f, bson.E{Key: "partnership_ids", Value: q.Partnership})
	}
	if q.Status != "" {
		f = append(f, bson.E{Key: "status", Value: q.Status})
	}
	if q.SHA256 != "" {
		f = append(f, bson.E{Key: "file.sha256", Value: q.SHA256})
	}
	if q.PUID != "" {
		f = append(f, bson.E{Key: "format.puid", Value: q.PUID})
	}
	if q.Q != "" {
		f = append(f, bson.E{Key: "search", Value: bson.D{{Key: "$regex", Value: regexp.QuoteMeta(models.FoldText(q.Q))}}})
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		years := bson.D{}
		// Year 0 is "no date": never inside a range.
		years = append(years, bson.E{Key: "$gte", Value: max(q.YearFrom, 1)})
		if q.YearTo > 0 {
			years = append(years, bson.E{Key: "$lte", Value: q.YearTo})
		}
		byYear := bson.D{{Key: "year", Value: years}}
		if len(q.AlsoIDs) > 0 {
			f = append(f, bson.E{Key: "$or", Value: bson.A{byYear, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: q.AlsoIDs}}}}}})
		} else {
			f = append(f, byYear...)
		}
	}
	coll := d.db.collection(documentsCollection)
	total, err := coll.CountDocuments(ctx, f)
	if err != nil {
		return models.List[*models.Document]{}, translateDB(err)
	}
	cur, err := coll.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64((q.Page-1)*q.PerPage)).SetLimit(int64(q.PerPage)))
	if err != nil {
		return models.List[*models.Document]{}, translateDB(err)
	}
	items := []*models.Document{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[*models.Document]{}, translateDB(err)
	}
	return models.List[*models.Document]{Items: items, Total: total, Page: q.Page, PerPage: q.PerPage}, nil
}

// All returns every document record (for snapshots and sweeps), newest
// first with the memory index. The records may be shared: never change
// them.
func (d *Documents) All(ctx context.Context) ([]*models.Document, error) {
	if d.mem != nil {
		if err := d.db.Ping(ctx); err != nil {
			return nil, err
		}
		return d.mem.idx.All(), nil
	}
	return d.allFromDB(ctx)
}

func (d *Documents) allFromDB(ctx context.Context) ([]*models.Document, error) {
	cur, err := d.db.collection(documentsCollection).Find(ctx, bson.D{}, options.Find().SetBatchSize(loadBatch))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []*models.Document{}
	return out, translateDB(cur.All(ctx, &out))
}

// Replace stores doc as the next version if expected is still current,
// carrying ev as its pending event (fixed id, models.VersionEventID):
// record and event land in one write, so a crash cannot keep one without
// the other. SettleEvent then moves the event into the history.
// Serialized per document in this process (see Content.Replace).
//
// A checksum is unique among active documents: withdrawing releases the
// document's claim (its bytes may be uploaded again), restoring takes it
// back first, and fails with a *models.DuplicateError when an active
// document holds those bytes now.
func (d *Documents) Replace(ctx context.Context, doc *models.Document, expected int64, ev models.Event) (*models.Document, error) {
	unlock := d.locks.lock(doc.ID)
	defer unlock()
	// The status of version expected, from the database: the replace
	// below is conditional on that version, so this is the status it
	// replaces (the memory index may lag another instance's write).
	prior, err := d.statusAt(ctx, doc.ID, expected)
	if err != nil {
		return nil, err
	}
	restoring := prior == models.DocumentWithdrawn && doc.Status == models.DocumentActive
	if restoring {
		if err := d.reclaim(ctx, doc); err != nil {
			return nil, err
		}
	}
	saved, err := d.replace(ctx, doc, expected, ev)
	if err != nil {
		if restoring {
			_ = d.ReleaseClaim(context.WithoutCancel(ctx), doc.File.SHA256, doc.ID)
		}
		return nil, err
	}
	if prior == models.DocumentActive && doc.Status == models.DocumentWithdrawn {
		// Best effort: a claim left behind is one a withdrawn document
		// holds, which the next upload of the bytes takes over.
		_ = d.ReleaseClaim(context.WithoutCancel(ctx), doc.File.SHA256, doc.ID)
	}
	return saved, nil
}

// replace writes doc as version expected+1.
func (d *Documents) replace(ctx context.Context, doc *models.Document, expected int64, ev models.Event) (*models.Document, error) {
	doc.Version = expected + 1
	doc.UpdatedAt, doc.UpdatedBy = ev.At, ev.Actor
	ev.ID = models.VersionEventID(doc.ID, doc.Version)
	doc.PendingEvent = &ev
	res, err := d.db.collection(documentsCollection).ReplaceOne(ctx, bson.D{{Key: "_id", Value: doc.ID}, {Key: "version", Value: expected}}, doc)
	if err != nil {
		return nil, translateDB(err)
	}
	if res.MatchedCount == 0 {
		n, err := d.db.collection(documentsCollection).CountDocuments(ctx, bson.D{{Key: "_id", Value: doc.ID}})
		if err != nil {
			return nil, translateDB(err)
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: document %s", models.ErrNotFound, doc.ID)
		}
		return nil, fmt.Errorf("%w: document %s was changed by someone else", models.ErrStale, doc.ID)
	}
	d.stored(ctx, doc)
	return doc, nil
}

// SettleEvent appends a record's pending event to the history (once: its
// id is fixed) and then clears it from the record, unless a later write
// already replaced it with its own.
func (d *Documents) SettleEvent(ctx context.Context, ev models.Event) error {
	if err := d.AppendEvent(ctx, ev); err != nil {
		return err
	}
	_, err := d.db.collection(documentsCollection).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: ev.DocumentID}, {Key: "pending_event._id", Value: ev.ID}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "pending_event", Value: ""}}}})
	if err == nil {
		d.settled(ev)
	}
	return translateDB(err)
}

// Delete removes the record (purge) and releases its checksum claim; its
// events stay as the archive's memory that it existed. The "purged" event
// (fixed id, models.EventID) is written first and marks the purge as
// begun: a crash before the record is gone leaves a record with a purged
// event, which the sweeper finishes (FinishPurge); a crash after leaves
// objects and a claim with no record, which the sweeper removes.
func (d *Documents) Delete(ctx context.Context, id string, ev models.Event) error {
	n, err := d.db.collection(documentsCollection).CountDocuments(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return translateDB(err)
	}
	if n == 0 {
		return fmt.Errorf("%w: document %s", models.ErrNotFound, id)
	}
	ev.ID = models.EventID(id, models.EventPurged) // a retried purge writes it once
	if err := d.AppendEvent(ctx, ev); err != nil {
		return err
	}
	return d.FinishPurge(ctx, id)
}

// FinishPurge removes a record whose purge has begun, and its claims.
func (d *Documents) FinishPurge(ctx context.Context, id string) error {
	if _, err := d.db.collection(documentsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		return translateDB(err)
	}
	d.removed(ctx, id)
	_, err := d.db.collection(claimsCollection).DeleteMany(ctx, bson.D{{Key: "document_id", Value: id}})
	return translateDB(err)
}

// insertBatch bounds the records one InsertMany carries: the client's
// operation timeout (dbOpTimeout) covers each call, and 200 records with
// their claims took longer than that on a loaded machine (CI, -race, two
// cores shared by every package's tests).
const insertBatch = 50

// InsertBatch stores many new records at once with their claims and
// ingest events (seeding a large store for benchmarks, bulk loads whose
// objects are already stored and hashed), insertBatch records per call.
// Each record's claim must be free: the first taken checksum fails the
// batch with ErrConflict (the records before it stay stored).
func (d *Documents) InsertBatch(ctx context.Context, docs []*models.Document, evs []models.Event) error {
	for lo := 0; lo < len(docs); lo += insertBatch {
		hi := min(lo+insertBatch, len(docs))
		if err := d.insertMany(ctx, docs[lo:hi]); err != nil {
			return err
		}
	}
	for lo := 0; lo < len(evs); lo += insertBatch {
		hi := min(lo+insertBatch, len(evs))
		events := make([]any, 0, hi-lo)
		for _, ev := range evs[lo:hi] {
			events = append(events, ev)
		}
		if _, err := d.db.collection(eventsCollection).InsertMany(ctx, events); err != nil {
			return translateDB(err)
		}
	}
	return nil
}

// insertMany stores one batch of new records and their claims.
func (d *Documents) insertMany(ctx context.Context, docs []*models.Document) error {
	claims := make([]any, len(docs))
	records := make([]any, len(docs))
	for i, doc := range docs {
		claims[i] = models.Claim{SHA256: doc.File.SHA256, DocumentID: doc.ID, ClaimedAt: doc.CreatedAt}
		records[i] = doc
	}
	if _, err := d.db.collection(claimsCollection).InsertMany(ctx, claims); err != nil {
		return translateDB(err)
	}
	if _, err := d.db.collection(documentsCollection).InsertMany(ctx, records); err != nil {
		return translateDB(err)
	}
	d.stored(ctx, docs...)
	return nil
}
