package storage

import (
	"context"
	"errors"
	"sync"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// eventWriter stores document events, letting concurrent writers share
// one insert (a group commit): on the embedded store each insert is a
// SQLite transaction of its own, and its commit, not the row, is what
// costs (a third of an upload's database time). A writer that finds no
// insert running stores its event at once, alone, so a lone upload waits
// for nothing; writers arriving while one runs queue, and the first of
// them to find it done stores the whole queue in one insert. Every event
// is stored before its writer returns, as with one insert each.
type eventWriter struct {
	db *DB

	mu                sync.Mutex
	cond              *sync.Cond
	queue             []*queuedEvent
	started, finished uint64
	running           bool
}

// queuedEvent is one writer's event and, once its round ran, the outcome.
type queuedEvent struct {
	ev  models.Event
	err error
}

func newEventWriter(db *DB) *eventWriter {
	w := &eventWriter{db: db}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// append stores ev (an event with a fixed id that is there already is
// not an error) in the next round of inserts to start.
func (w *eventWriter) append(ctx context.Context, ev models.Event) error {
	if ev.ID == "" {
		ev.ID = bson.NewObjectID().Hex()
	}
	q := &queuedEvent{ev: ev}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.queue = append(w.queue, q)
	need := w.started + 1
	for w.finished < need {
		if w.running {
			w.cond.Wait()
			continue
		}
		w.running = true
		w.started++
		batch := w.queue
		w.queue = nil
		w.mu.Unlock()
		w.insert(ctx, batch)
		w.mu.Lock()
		w.running, w.finished = false, w.started
		w.cond.Broadcast()
	}
	return q.err
}

// insert stores one round's events: one insert for all, or, when that
// fails (an event with a fixed id there already, a store that hiccups),
// one insert each again, so that each writer hears of its own event
// only (a repeated insert of a stored event is a conflict, not an error).
func (w *eventWriter) insert(ctx context.Context, batch []*queuedEvent) {
	coll := w.db.collection(eventsCollection)
	// The round's writers share it: one leaving must not fail the others'
	// events (the client's operation timeout still bounds each insert).
	shared := context.WithoutCancel(ctx)
	if len(batch) > 1 {
		docs := make([]any, len(batch))
		for i, q := range batch {
			docs[i] = q.ev
		}
		_, err := coll.InsertMany(shared, docs, options.InsertMany().SetOrdered(false))
		if err == nil {
			return
		}
	}
	for _, q := range batch {
		_, err := coll.InsertOne(shared, q.ev)
		if err = translateDB(err); errors.Is(err, models.ErrConflict) {
			err = nil // an event with a fixed id (models.EventID) is already there
		}
		q.err = err
	}
}

// EventDocuments returns the ids of the documents that have an event of
// type t (for the sweeper's repairs).
func (d *Documents) EventDocuments(ctx context.Context, t models.EventType) (map[string]bool, error) {
	// Find with a projection, not distinct: FerretDB's distinct answer
	// does not decode with this driver.
	cur, err := d.db.collection(eventsCollection).Find(ctx, bson.D{{Key: "type", Value: t}},
		options.Find().SetProjection(bson.D{{Key: "document_id", Value: 1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	var rows []struct {
		DocumentID string `bson:"document_id"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translateDB(err)
	}
	out := make(map[string]bool, len(rows))
	for _, r := range rows {
		out[r.DocumentID] = true
	}
	return out, nil
}

// AppendEvent adds one event to a document's history; concurrent events
// share one insert (see eventWriter).
func (d *Documents) AppendEvent(ctx context.Context, ev models.Event) error {
	return d.events.append(ctx, ev)
}

// Events returns a document's history, oldest first.
func (d *Documents) Events(ctx context.Context, id string) ([]models.Event, error) {
	cur, err := d.db.collection(eventsCollection).Find(ctx, bson.D{{Key: "document_id", Value: id}}, options.Find().SetSort(bson.D{{Key: "at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Event{}
	return out, translateDB(cur.All(ctx, &out))
}
