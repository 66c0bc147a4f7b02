package migrate_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/migrate"
	"github.com/jesenice/twincms/internal/storage"
)

// realDB starts an embedded FerretDB and returns a fresh database on it
// (a new name per call) with its opener, so tests can connect twice.
func realDB(t *testing.T) func() *storage.DB {
	t.Helper()
	ctx := context.Background()
	e, err := embedded.StartDB(ctx, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return func() *storage.DB {
		db, err := storage.OpenDB(ctx, e.URI(), "migrate_test")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close(context.WithoutCancel(ctx)) })
		return db
	}
}

func runner(db *storage.DB, holder string) *migrate.Runner {
	return &migrate.Runner{Levels: storage.NewMigrations(db), Lease: storage.NewLeases(db), Holder: holder,
		TTL: 3 * time.Second, Poll: 20 * time.Millisecond}
}

// Two instances on one database start together: each step runs once,
// both return only when the level is reached, and the record lists each
// step once.
func TestTwoRunnersApplyEachMigrationOnce(t *testing.T) {
	open := realDB(t)
	var runs [3]atomic.Int32
	step := func(i int) func(context.Context) error {
		return func(context.Context) error {
			runs[i].Add(1)
			time.Sleep(150 * time.Millisecond) // long enough for the other to try
			return nil
		}
	}
	list := []migrate.Migration{{Level: 1, Name: "one", Up: step(0)}, {Level: 2, Name: "two", Up: step(1)}, {Level: 3, Name: "three", Up: step(2)}}
	dbA, dbB := open(), open()
	var wg sync.WaitGroup
	applied := make([]int, 2)
	errs := make([]error, 2)
	for i, db := range []*storage.DB{dbA, dbB} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = runner(db, []string{"a", "b"}[i]).Run(context.Background(), list)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		if n := runs[i].Load(); n != 1 {
			t.Errorf("step %d ran %d times, want once", i+1, n)
		}
	}
	if applied[0]+applied[1] != 3 {
		t.Errorf("applied %v, want 3 in all", applied)
	}
	got, err := storage.NewMigrations(dbA).Applied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Level != 1 || got[2].Name != "three" {
		t.Errorf("recorded %+v", got)
	}
	// A third start runs nothing.
	if n, err := runner(dbB, "c").Run(context.Background(), list); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
}

// A step that fails leaves its level unrecorded; the next start repeats
// it and goes on. A database at a higher level than the code refuses.
func TestFailedMigrationIsRepeatedAndNewerDatabaseRefused(t *testing.T) {
	db := realDB(t)()
	ctx := context.Background()
	fail := true
	var second int
	list := []migrate.Migration{
		{Level: 1, Name: "one", Up: func(context.Context) error { return nil }},
		{Level: 2, Name: "two", Up: func(context.Context) error {
			second++
			if fail {
				return errors.New("disk full")
			}
			return nil
		}},
	}
	if n, err := runner(db, "a").Run(ctx, list); err == nil || n != 1 {
		t.Fatalf("failing step: %d, %v", n, err)
	}
	if lvl, _ := storage.NewMigrations(db).Level(ctx); lvl != 1 {
		t.Fatalf("level %d after the failed step, want 1", lvl)
	}
	fail = false
	if n, err := runner(db, "a").Run(ctx, list); err != nil || n != 1 || second != 2 {
		t.Fatalf("repeat: %d, %v, step ran %d times", n, err, second)
	}
	if _, err := runner(db, "a").Run(ctx, list[:1]); !errors.Is(err, migrate.ErrNewer) {
		t.Fatalf("older code on a newer database: %v", err)
	}
}

// A lease left by a crashed instance expires and the next one migrates.
func TestExpiredLeaseOfCrashedInstanceIsTakenOver(t *testing.T) {
	db := realDB(t)()
	ctx := context.Background()
	if ok, err := storage.NewLeases(db).Acquire(ctx, migrate.LeaseName, "crashed", 300*time.Millisecond); !ok || err != nil {
		t.Fatal(ok, err)
	}
	ran := 0
	list := []migrate.Migration{{Level: 1, Name: "one", Up: func(context.Context) error { ran++; return nil }}}
	if n, err := runner(db, "b").Run(ctx, list); err != nil || n != 1 || ran != 1 {
		t.Fatalf("%d, %v, ran %d", n, err, ran)
	}
}

func TestCheckRefusesGapsAndNamelessSteps(t *testing.T) {
	up := func(context.Context) error { return nil }
	for _, list := range [][]migrate.Migration{
		{{Level: 2, Name: "x", Up: up}},
		{{Level: 1, Name: "x", Up: up}, {Level: 3, Name: "y", Up: up}},
		{{Level: 1, Up: up}},
		{{Level: 1, Name: "x"}},
	} {
		if migrate.Check(list) == nil {
			t.Errorf("accepted %+v", list)
		}
	}
}
