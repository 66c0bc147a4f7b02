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
	if len(batch) > 1 {
		docs := make([]any, len(batch))
		for i, q := range batch {
			docs[i] = q.ev
		}
		// The round's writers share it: one leaving must not fail the
		// others' events.
		_, err := coll.InsertMany(context.WithoutCancel(ctx), docs, options.InsertMany().SetOrdered(false))
		if err == nil {
			return
		}
	}
	for _, q := range batch {
		_, err := coll.InsertOne(ctx, q.ev)
		if err = translateDB(err); errors.Is(err, models.ErrConflict) {
			err = nil // an event with a fixed id (models.EventID) is already there
		}
		q.err = err
	}
}
