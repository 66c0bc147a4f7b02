package publish

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// A change logged elsewhere is applied by the poll alone; the changes
// logged here are skipped.
func TestThePollAppliesLoggedChangesWithoutARelist(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// Elsewhere: p3 published, logged.
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0, "d3")
	_, _ = f.changes.Append(ctx, models.ResourcePartnership, "p3")
	// Here, meanwhile: p2 archived; the counter moved by two.
	f.parts.items["p2"] = partnership("p2", "two", models.StatusArchived, 1)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p2"})
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "one"}) {
		t.Fatalf("after the poll: %v", got)
	}
	if _, err := f.pub.File(ctx, "d3", "", exp(f), sig(f, "d3"), false); err != nil {
		t.Fatalf("the document of a partnership published elsewhere: %v", err)
	}
	if st := f.pub.Stats(); st.Full != 1 || st.Partial != 2 {
		t.Fatalf("refreshes %+v, want the first rebuild and 2 changes (one here, one elsewhere, not ours again)", st)
	}
	if cur := f.pub.cur.Load().seq; cur != 2 || len(f.pub.log.own) != 0 {
		t.Fatalf("snapshot at %d with own values %v left, want 2 and none", cur, f.pub.log.own)
	}
	// Nothing new: the poll reads the counter only.
	if err := f.pub.poll(ctx); err != nil || f.pub.Stats().Partial != 2 {
		t.Fatalf("an idle poll: %v, %+v", err, f.pub.Stats())
	}
}

// A withdrawal of a document published content refers to moves the
// counter even where nothing refers to it yet, and another instance whose
// snapshot refers to it applies it; a new upload moves nothing.
func TestDocumentChangesReachInstancesThatReferToThem(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// Elsewhere p3 (with d3) is published; another instance refers to d3,
	// this one is behind and does not.
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0, "d3")
	_, _ = f.changes.Append(ctx, models.ResourcePartnership, "p3")
	other := New(f.pub.src)
	if err := other.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := other.File(ctx, "d3", "", exp(f), sig(f, "d3"), false); err != nil {
		t.Fatalf("before the withdrawal: %v", err)
	}
	seq := f.changes.seq
	f.docs.items["d3"] = document("d3", models.DocumentWithdrawn)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d3", Action: models.ActionWithdraw})
	if f.changes.seq != seq+1 {
		t.Fatal("a withdrawal did not move the counter")
	}
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d8", Action: models.ActionCreate})
	if f.changes.seq != seq+1 {
		t.Fatal("a new upload moved the counter")
	}
	if err := other.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := other.File(ctx, "d3", "", exp(f), sig(f, "d3"), false); !errors.Is(err, models.ErrGone) {
		t.Fatalf("a withdrawal logged elsewhere: %v, want gone", err)
	}
	if st := other.Stats(); st.Full != 1 || st.Partial != 1 { // other heard of no upload
		t.Fatalf("the other instance: %+v, want no relist and the withdrawal applied", st)
	}
}

// A value of the counter without an entry (a writer stopped between its
// bump and its entry), or a log pruned past the snapshot, makes the poll
// relist everything, so nothing stays stale.
func TestAGapInTheLogRelists(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0)
	_, _ = f.changes.Bump(ctx)
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two", "one"}) || f.pub.Stats().Full != 2 {
		t.Fatalf("after a gap: %v, %+v", got, f.pub.Stats())
	}

	f.parts.items["p1"] = partnership("p1", "one", models.StatusDraft, 2)
	_, _ = f.changes.Append(ctx, models.ResourcePartnership, "p1")
	_, _ = f.changes.Append(ctx, models.ResourceBlock, "b1")
	_ = f.changes.Prune(ctx, f.changes.seq)
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two"}) || f.pub.Stats().Full != 3 {
		t.Fatalf("after a pruned entry: %v, %+v", got, f.pub.Stats())
	}
}

// A change whose bump failed is logged at the next poll.
func TestAnUnloggedChangeIsLoggedAtTheNextPoll(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.changes.failing = true
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p3"})
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two", "one"}) {
		t.Fatalf("the change is not applied here: %v", got)
	}
	if err := f.pub.poll(ctx); err == nil {
		t.Fatal("a poll with the log down did not fail")
	}
	f.changes.failing = false
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if es, _ := f.changes.Since(ctx, 0, f.changes.seq); len(es) != 1 || es[0].ID != "p3" {
		t.Fatalf("log %v, want the change to p3", es)
	}
	if st := f.pub.Stats(); st.Full != 1 {
		t.Fatalf("its own change made the poll relist: %+v", st)
	}
}

// A change this instance could neither apply nor relist (the database
// down for a moment) is logged as its own, which the poll skips: the next
// poll relists instead, so the writer's own instance does not keep the
// old content.
func TestALocalChangeNotAppliedIsRelistedAtTheNextPoll(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0)
	f.parts.failing = true
	f.pub.Changed(ctx, models.Change{Resource: models.ResourcePartnership, ID: "p3"})
	f.parts.failing = false
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two", "one"}) {
		t.Fatalf("after the next poll: %v, want the change shown", got)
	}
}

// The writer of every logPruneEvery-th value removes the entries more than
// logKeep values old.
func TestTheLogIsPruned(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.changes.entries = []models.LoggedChange{{Seq: 1, Resource: models.ResourceBlock, ID: "old"},
		{Seq: logPruneEvery, Resource: models.ResourceBlock, ID: "kept"}}
	f.changes.seq = logKeep + logPruneEvery - 1
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceBlock, ID: "b1"})
	var ids []string
	for _, e := range f.changes.entries {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"kept", "b1"}) {
		t.Fatalf("log after the prune: %v", ids)
	}
}

// A counter that went back (another database behind the same address)
// makes the poll relist.
func TestACounterThatWentBackRelists(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.pub.Changed(ctx, models.Change{Resource: models.ResourceBlock, ID: "b1"})
	f.changes.seq, f.changes.entries = 0, nil
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if st := f.pub.Stats(); st.Full != 2 || f.pub.cur.Load().seq != 0 {
		t.Fatalf("after the counter went back: %+v at %d", st, f.pub.cur.Load().seq)
	}
}

// A document change while an update is under way waits for it: the
// update may have read the document before the change was stored and be
// about to refer to it.
func TestADocumentChangeWaitsForAnUpdateUnderWay(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.docs.items["d4"] = document("d4", models.DocumentWithdrawn)
	f.pub.lock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.pub.Changed(ctx, models.Change{Resource: models.ResourceDocument, ID: "d4", Action: models.ActionWithdraw})
	}()
	select {
	case <-done:
		f.pub.unlock()
		t.Fatal("a document change passed an update under way")
	case <-time.After(100 * time.Millisecond):
	}
	// The update read d4 while it was still active.
	next := f.pub.cur.Load().clone()
	next.documents["d4"] = document("d4", models.DocumentActive)
	f.pub.cur.Store(next)
	f.pub.unlock()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the document change never ended")
	}
	if d := f.pub.cur.Load().documents["d4"]; d == nil || d.Status != models.DocumentWithdrawn {
		t.Fatalf("d4 after the change: %+v, want withdrawn", d)
	}
}

// Several entries for one thing elsewhere are one re-read.
func TestThePollReadsEachThingOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	for range 3 {
		_, _ = f.changes.Append(ctx, models.ResourcePartnership, "p3")
	}
	f.parts.items["p3"] = partnership("p3", "draft", models.StatusPublished, 0)
	if err := f.pub.poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := f.slugs(t); !slices.Equal(got, []string{"draft", "two", "one"}) {
		t.Fatalf("after the poll: %v", got)
	}
	if st := f.pub.Stats(); st.Full != 1 || st.Partial != 1 || f.pub.cur.Load().seq != 3 {
		t.Fatalf("refreshes %+v at %d, want one change applied at 3", st, f.pub.cur.Load().seq)
	}
}
