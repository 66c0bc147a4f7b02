package schedule

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// memStore keeps schedules in memory with the storage's semantics.
type memStore struct {
	mu  sync.Mutex
	all map[string]models.Schedule
}

func (m *memStore) Insert(_ context.Context, sc models.Schedule) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all[sc.ID] = sc
	return nil
}

func (m *memStore) Get(_ context.Context, id string) (models.Schedule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sc, ok := m.all[id]
	if !ok {
		return sc, models.ErrNotFound
	}
	return sc, nil
}

func (m *memStore) List(context.Context, models.ScheduleQuery) (models.List[models.Schedule], error) {
	return models.List[models.Schedule]{}, nil
}

func (m *memStore) Due(_ context.Context, now time.Time, _ int) ([]models.Schedule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Schedule
	for _, sc := range m.all {
		if sc.Status == models.SchedulePending && !sc.At.After(now) {
			out = append(out, sc)
		}
	}
	return out, nil
}

func (m *memStore) Pending(_ context.Context, rid string) ([]models.Schedule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []models.Schedule
	for _, sc := range m.all {
		if sc.ResourceID == rid && sc.Status == models.SchedulePending {
			out = append(out, sc)
		}
	}
	return out, nil
}

func (m *memStore) Save(_ context.Context, sc models.Schedule) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.all[sc.ID].Status != models.SchedulePending {
		return models.ErrConflict
	}
	m.all[sc.ID] = sc
	return nil
}

type freeLeases struct{}

func (freeLeases) Acquire(context.Context, string, string, time.Duration) (bool, error) {
	return true, nil
}
func (freeLeases) Release(context.Context, string, string) error { return nil }

// target answers with the errors queued in errs, then nil.
type target struct {
	version int64
	status  models.Status
	errs    []error
	calls   []string
	actors  []models.Actor
}

func (t *target) Current(context.Context, string) (int64, models.Status, error) {
	return t.version, t.status, nil
}

func (t *target) next(ctx context.Context, call string) error {
	t.calls = append(t.calls, call)
	t.actors = append(t.actors, models.ActorFrom(ctx))
	if len(t.errs) == 0 {
		return nil
	}
	err := t.errs[0]
	t.errs = t.errs[1:]
	return err
}

func (t *target) PublishVersion(ctx context.Context, _ string, n, expected int64) error {
	return t.next(ctx, "publish")
}

func (t *target) Unpublish(ctx context.Context, _ string, expected int64) error {
	return t.next(ctx, "unpublish")
}

func newService(tg *target, now *time.Time) (*Service, *memStore, map[string]int) {
	store := &memStore{all: map[string]models.Schedule{}}
	runs := map[string]int{}
	n := 0
	return &Service{Store: store, Leases: freeLeases{}, Targets: map[models.Resource]Target{models.ResourcePage: tg},
		Holder: "test", LateAfter: 30 * time.Second, OnRun: func(o string) { runs[o]++ },
		NewID: func() string { n++; return string(rune('a' + n)) }, Now: func() time.Time { return *now },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, store, runs
}

// A run that meets a moved record or a down store stays pending and is
// retried; one whose content is published already is done; one that
// breaks a rule fails; late is measured from at.
func TestRunOutcomes(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tg := &target{version: 3, status: models.StatusDraft,
		errs: []error{models.ErrStale, models.ErrUnavailable, nil}}
	s, store, runs := newService(tg, &now)
	ctx := models.WithActor(context.Background(), models.Actor{TokenID: "t1", Name: "editor"})
	sc, err := s.Create(ctx, models.ResourcePage, "p", 3, models.ScheduleInput{Action: models.ActionPublish, At: now.Add(time.Minute).Format(time.RFC3339), Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sc.ScheduledBy.TokenID != "t1" || sc.Version != 2 {
		t.Fatalf("created %+v", sc)
	}
	s.RunDue(ctx)
	if len(tg.calls) != 0 {
		t.Fatal("ran before its time")
	}
	now = now.Add(time.Minute)
	s.RunDue(ctx) // stale
	s.RunDue(ctx) // unavailable
	if got, _ := store.Get(ctx, sc.ID); got.Status != models.SchedulePending || runs[OutcomeRetry] != 2 {
		t.Fatalf("after two failed attempts: %+v, runs %v", got, runs)
	}
	now = now.Add(45 * time.Second)
	s.RunDue(ctx)
	got, _ := store.Get(ctx, sc.ID)
	if got.Status != models.ScheduleDone || !got.Late || got.RanAt == nil || runs[OutcomeDone] != 1 || len(tg.calls) != 3 {
		t.Fatalf("after the third attempt: %+v, runs %v, calls %v", got, runs, tg.calls)
	}
	for _, a := range tg.actors {
		if a != (models.Actor{Name: "schedule"}) {
			t.Fatalf("ran as %+v, want the schedule actor", a)
		}
	}
	s.RunDue(ctx)
	if len(tg.calls) != 3 {
		t.Fatal("a done schedule ran again")
	}

	tg.errs = []error{models.ErrConflict}
	sc2, _ := s.Create(ctx, models.ResourcePage, "p", 3, models.ScheduleInput{Action: models.ActionPublish, At: now.Add(time.Second).Format(time.RFC3339)})
	tg.errs = append(tg.errs, &models.ValidationError{Kind: models.ErrInvalid})
	sc3, _ := s.Create(ctx, models.ResourcePage, "q", 3, models.ScheduleInput{Action: models.ActionPublish, At: now.Add(2 * time.Second).Format(time.RFC3339)})
	now = now.Add(3 * time.Second)
	s.RunDue(ctx)
	s.RunDue(ctx)
	g2, _ := store.Get(ctx, sc2.ID)
	g3, _ := store.Get(ctx, sc3.ID)
	if g2.Status == g3.Status || (g2.Status != models.ScheduleDone && g2.Status != models.ScheduleFailed) {
		t.Fatalf("conflict and invalid: %+v / %+v", g2, g3)
	}
	failed := g2
	if g3.Status == models.ScheduleFailed {
		failed = g3
	}
	if failed.Error == "" || failed.Late {
		t.Fatalf("failed run: %+v", failed)
	}
}

// Cancelling works once; deleting the record cancels its pending schedules.
func TestCancel(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tg := &target{version: 1, status: models.StatusPublished}
	s, store, _ := newService(tg, &now)
	ctx := context.Background()
	in := models.ScheduleInput{Action: models.ActionUnpublish, At: now.Add(time.Hour).Format(time.RFC3339)}
	a, _ := s.Create(ctx, models.ResourcePage, "p", 1, in)
	b, _ := s.Create(ctx, models.ResourcePage, "p", 1, in)
	if _, err := s.Cancel(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Cancel(ctx, a.ID); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second cancel: %v", err)
	}
	s.Changed(ctx, models.Change{Resource: models.ResourcePage, ID: "p", Action: models.ActionDelete})
	if got, _ := store.Get(ctx, b.ID); got.Status != models.ScheduleCancelled || got.CancelledAt == nil {
		t.Fatalf("schedule of a deleted record: %+v", got)
	}
	if _, err := s.Create(ctx, models.ResourcePage, "p", 2, in); !errors.Is(err, models.ErrStale) {
		t.Fatalf("stale create: %v", err)
	}
	if _, err := s.Create(ctx, models.ResourceBlock, "p", 1, in); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown resource: %v", err)
	}
}
