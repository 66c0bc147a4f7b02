package readmodel

import (
	"context"
	"sync"
	"testing"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// memCounter is a shared counter in memory: two OwnCounters on one stand
// for two instances on one database.
type memCounter struct {
	mu sync.Mutex
	n  int64
}

func (c *memCounter) Bump(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n, nil
}

func (c *memCounter) Current(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, nil
}

// An instance's own bumps never make it reload; another's do, once.
func TestOwnCounterReloadsOnlyForOtherInstancesWrites(t *testing.T) {
	ctx := context.Background()
	shared := &memCounter{}
	a, b := NewOwnCounter(shared), NewOwnCounter(shared)
	a.Bump(ctx)
	a.Bump(ctx)
	if f, _ := a.Foreign(ctx); f {
		t.Fatal("a's own bumps look foreign to a")
	}
	if f, _ := b.Foreign(ctx); !f {
		t.Fatal("a's bumps are not foreign to b")
	}
	b.Loaded(2)
	if f, _ := b.Foreign(ctx); f {
		t.Fatal("b reloads again after loading")
	}
}

type rec struct {
	ID      string        `bson:"_id"`
	Version int64         `bson:"version"`
	Status  models.Status `bson:"status"`
	Name    string        `bson:"name"`
	Tags    []string      `bson:"tags"`
	Search  string        `bson:"search"`
}

func record(t *testing.T, r rec) *Record {
	t.Helper()
	b, err := bson.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return RecordOf(b, &models.Meta{ID: r.ID, Version: r.Version, Status: r.Status})
}

// A list filters, sorts and pages as the database would; an older version
// never replaces a newer one, and a removal is not undone by a reload's
// journal.
func TestContentListPagesInSortOrder(t *testing.T) {
	ctx := context.Background()
	l := NewContentList(&memCounter{})
	all := []*Record{
		record(t, rec{ID: "1", Version: 1, Status: models.StatusPublished, Name: "Trbiž", Tags: []string{"culture"}}),
		record(t, rec{ID: "2", Version: 1, Status: models.StatusDraft, Name: "Nagold", Tags: []string{"sport"}}),
		record(t, rec{ID: "3", Version: 1, Status: models.StatusPublished, Name: "Valjevo", Tags: []string{"culture", "sport"}}),
	}
	if err := l.Reload(ctx, func(context.Context) ([]*Record, error) { return all, nil }); err != nil {
		t.Fatal(err)
	}
	byName := bson.D{{Key: "name", Value: 1}}
	culture := bson.D{{Key: "tags", Value: "culture"}}
	page, total := l.Page("name", byName, func(r *Record) bool { return MatchesAll(r.Raw, culture) }, 0, 1)
	if total != 2 || len(page) != 1 || page[0].Lookup("_id").StringValue() != "1" {
		t.Fatalf("first page of culture by name: total %d, %v", total, page)
	}
	l.Put(ctx, record(t, rec{ID: "3", Version: 3, Name: "Aaa"}), "3")
	l.Put(ctx, record(t, rec{ID: "3", Version: 2, Name: "Zzz"}), "3") // late, older
	page, _ = l.Page("name", byName, func(*Record) bool { return true }, 0, 3)
	if got := page[0].Lookup("name").StringValue(); got != "Aaa" {
		t.Fatalf("an older version replaced a newer one: first is %q", got)
	}
	l.Remove(ctx, "2")
	if _, total := l.Page("name", byName, func(*Record) bool { return true }, 0, 3); total != 2 {
		t.Fatalf("after a removal %d records", total)
	}
}
