package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/docindex"
	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// memoryIndex serves the document reads from memory on the embedded store,
// whose every filter scans the whole collection (embedded-notes.md: a
// findOne on a field costs ~250 ms at 10,000 documents). MongoDB answers
// the same reads from its indexes, so there the index stays off.
//
// Consistency:
//   - read-your-writes on this instance: every write through Documents
//     updates the index before it returns;
//   - other instances' writes: each write bumps the shared "documents"
//     counter; WatchIndex polls it and reloads the index when a bump was
//     not this instance's own, so another instance's write shows within
//     the poll interval plus one reload (about 1 s at 10,000 documents);
//     a get by id that misses asks the database, so a document created
//     elsewhere is found at once;
//   - a database that is down or hung is a 503 as without the index: each
//     read from memory pings it first (a round trip, no collection read);
//   - two instances writing: the database stays the judge (conditional
//     replaces, unique claims); the index only serves reads, and a reload
//     keeps a record's later version and never brings back a purged one.
type memoryIndex struct {
	idx    *docindex.Index
	reload sync.Mutex
}

// UseMemoryIndex loads every record into memory and serves gets, lists,
// searches and duplicate checks from there from now on (the embedded
// store). Call WatchIndex to follow other instances' writes.
func (d *Documents) UseMemoryIndex(ctx context.Context) error {
	m := &memoryIndex{idx: docindex.New()}
	if err := d.reloadIndex(ctx, m); err != nil {
		return err
	}
	d.mem = m
	return nil
}

// IndexStats reports the records held in memory (0 when the index is off).
func (d *Documents) IndexStats() int {
	if d.mem == nil {
		return 0
	}
	return d.mem.idx.Len()
}

// reloadIndex reads the counter, then every record, into m. Writes made
// meanwhile are journaled by the index and applied again on top.
func (d *Documents) reloadIndex(ctx context.Context, m *memoryIndex) error {
	m.reload.Lock()
	defer m.reload.Unlock()
	seq, err := d.changes.Current(ctx)
	if err != nil {
		return err
	}
	m.idx.BeginLoad()
	docs, err := d.allFromDB(ctx)
	if err != nil {
		m.idx.AbortLoad()
		return err
	}
	m.idx.FinishLoad(docs)
	d.changes.Loaded(seq)
	return nil
}

// WatchIndex polls the shared counter every interval until ctx ends and
// reloads the index when another instance wrote (without an index it
// only retries bumps that failed).
func (d *Documents) WatchIndex(ctx context.Context, every time.Duration, logger *slog.Logger) {
	loop.Every(ctx, every, d.syncIndex, logger, loop.Name("document index refresh"))
}

// syncIndex reloads when the counter moved by a write not made here.
func (d *Documents) syncIndex(ctx context.Context) error {
	d.changes.Retry(ctx)
	if d.mem == nil {
		return nil
	}
	foreign, err := d.changes.Foreign(ctx)
	if err != nil || !foreign {
		return err
	}
	return d.reloadIndex(ctx, d.mem)
}

// stored records a write that reached the database.
func (d *Documents) stored(ctx context.Context, docs ...*models.Document) {
	if d.mem != nil {
		for _, doc := range docs {
			d.mem.idx.Put(doc)
		}
	}
	d.changes.Bump(ctx)
}

// settled clears a settled pending event from the indexed record (the
// database's copy no longer has it).
func (d *Documents) settled(ev models.Event) {
	if d.mem == nil {
		return
	}
	if doc, ok := d.mem.idx.Get(ev.DocumentID); ok && doc.PendingEvent != nil && doc.PendingEvent.ID == ev.ID {
		doc.PendingEvent = nil
		d.mem.idx.Put(doc)
	}
}

// removed records a purge that reached the database.
func (d *Documents) removed(ctx context.Context, id string) {
	if d.mem != nil {
		d.mem.idx.Remove(id)
	}
	d.changes.Bump(ctx)
}

// statusAt is a record's status read from the database: ErrNotFound when
// there is no record, ErrStale when version (if not 0) is not current.
func (d *Documents) statusAt(ctx context.Context, id string, version int64) (models.DocumentStatus, error) {
	var row struct {
		Status  models.DocumentStatus `bson:"status"`
		Version int64                 `bson:"version"`
	}
	err := translateDB(d.db.collection(documentsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "status", Value: 1}, {Key: "version", Value: 1}})).Decode(&row))
	if errors.Is(err, models.ErrNotFound) {
		return "", fmt.Errorf("%w: document %s", models.ErrNotFound, id)
	}
	if err != nil {
		return "", err
	}
	if version != 0 && row.Version != version {
		return "", fmt.Errorf("%w: document %s was changed by someone else", models.ErrStale, id)
	}
	return row.Status, nil
}
