package storage_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
)

// Concurrent events share inserts (a group commit), yet each writer
// returns only once its own event is readable, every event is stored
// once, and an event with a fixed id stored again is no error.
func TestConcurrentEventsAreEachStoredOnce(t *testing.T) {
	docs := apitest.Empty(t, nil).CMS.Documents
	for _, repeats := range []int{0, 8} {
		t.Run(fmt.Sprint("a repeat in ", repeats), func(t *testing.T) { concurrentEvents(t, docs, repeats) })
	}
}

// concurrentEvents appends 48 events at once, every repeat-th (if not 0)
// one already stored.
func concurrentEvents(t *testing.T, docs *storage.Documents, repeats int) {
	ctx := context.Background()
	id := storage.NewDocumentID()
	fixed := models.Event{ID: models.EventID(id, models.EventIngested), DocumentID: id, Type: models.EventIngested, At: models.Now(), Detail: "ingested"}
	if err := docs.AppendEvent(ctx, fixed); err != nil {
		t.Fatal(err)
	}
	const n = 48
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev := models.Event{DocumentID: id, Type: models.EventFixityOK, At: models.Now(), Detail: fmt.Sprint("check ", i)}
			if repeats > 0 && i%repeats == 0 {
				ev = fixed // a retried write: there already
			}
			if err := docs.AppendEvent(ctx, ev); err != nil {
				errs <- err
				return
			}
			evs, err := docs.Events(ctx, id)
			if err == nil && !slices.ContainsFunc(evs, func(e models.Event) bool { return e.Detail == ev.Detail }) {
				err = fmt.Errorf("event %q not readable after AppendEvent returned", ev.Detail)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	evs, err := docs.Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.Detail]++
	}
	want := 1 + n
	if repeats > 0 {
		want -= n / repeats
	}
	if len(evs) != want || len(seen) != len(evs) {
		t.Fatalf("%d events (%d distinct), want %d once each", len(evs), len(seen), want)
	}
}
