// Package schedule plans publishes and unpublishes of content for a time
// and runs them when it comes.
//
// Rules (also in the README and the OpenAPI document):
//   - A publish names a version (default: the current one). At its time
//     exactly that version's content is published, even if the draft moved
//     on since: versions are immutable snapshots, so editing the record
//     after scheduling changes nothing about what goes live.
//   - An unpublish takes the record back to draft at its time, whatever
//     version is current then; its version says what was current when it
//     was planned.
//   - Deleting the record cancels its pending schedules.
//   - Several instances may share a database: each due schedule is run by
//     one of them, the one that takes its lease (storage leases are
//     inserts, atomic even on the embedded store).
//   - A schedule whose time passed while no instance ran runs at the next
//     start and says so (late, ran_at).
//
// The changes a schedule makes pass the content service like any other, so
// the change hook (published snapshot, webhooks, audit) sees them, with the
// actor "schedule".
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jesenice/twincms/models"
)

// Target is the content service of one content type, as schedules use it.
type Target interface {
	// Current returns the record's current version and status; ErrNotFound.
	Current(ctx context.Context, id string) (int64, models.Status, error)
	// PublishVersion publishes version n's content if the record is still
	// at version expected; ErrNotFound, ErrStale, ErrInvalid, ErrConflict.
	PublishVersion(ctx context.Context, id string, n, expected int64) error
	// Unpublish takes the record back to draft if it is still at version
	// expected; ErrNotFound, ErrStale, ErrConflict.
	Unpublish(ctx context.Context, id string, expected int64) error
}

// Store keeps schedules (storage.Schedules).
type Store interface {
	Insert(ctx context.Context, sc models.Schedule) error
	Get(ctx context.Context, id string) (models.Schedule, error)
	List(ctx context.Context, q models.ScheduleQuery) (models.List[models.Schedule], error)
	Due(ctx context.Context, now time.Time, limit int) ([]models.Schedule, error)
	Pending(ctx context.Context, resourceID string) ([]models.Schedule, error)
	// Save replaces a still pending schedule; ErrConflict otherwise.
	Save(ctx context.Context, sc models.Schedule) error
}

// Leases let one instance at a time touch a schedule (storage.Leases).
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, name, holder string) error
}

// Outcomes of a run, as counted in metrics.
const (
	OutcomeDone   = "done"
	OutcomeFailed = "failed"
	// OutcomeRetry: the record changed under the run or a store was down;
	// the schedule stays pending and the next pass tries again.
	OutcomeRetry = "retry"
)

// Service creates, lists and cancels schedules and runs the due ones.
type Service struct {
	Store   Store
	Leases  Leases
	Targets map[models.Resource]Target
	// Hook is told of schedule creations and cancellations.
	Hook models.ChangeHook
	// Holder names this instance in leases.
	Holder string
	// LateAfter is how long after its time a run counts as late.
	LateAfter time.Duration
	// OnRun is told the outcome of every run (metrics); may be nil.
	OnRun  func(outcome string)
	NewID  func() string
	Now    func() time.Time
	Logger *slog.Logger
}

// leaseTTL bounds how long a crashed runner's lease blocks a schedule.
const leaseTTL = time.Minute

func leaseName(id string) string { return "schedule:" + id }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return models.Now()
}

func (s *Service) target(r models.Resource) (Target, error) {
	t, ok := s.Targets[r]
	if !ok {
		return nil, fmt.Errorf("%w: %s cannot be scheduled", models.ErrNotFound, r)
	}
	return t, nil
}

// Editable checks that the record exists and is at version expected, before
// a request body is read; ErrNotFound, ErrStale.
func (s *Service) Editable(ctx context.Context, r models.Resource, id string, expected int64) (int64, error) {
	t, err := s.target(r)
	if err != nil {
		return 0, err
	}
	cur, _, err := t.Current(ctx, id)
	if err != nil {
		return 0, err
	}
	if cur != expected {
		return 0, fmt.Errorf("%w: you edited version %d, the current one is %d", models.ErrStale, expected, cur)
	}
	return cur, nil
}

// Create plans in for record id of r, which must be at version expected.
// Errors: ErrNotFound, ErrStale, ErrInvalid (a bad time, action or version).
func (s *Service) Create(ctx context.Context, r models.Resource, id string, expected int64, in models.ScheduleInput) (models.Schedule, error) {
	cur, err := s.Editable(ctx, r, id, expected)
	if err != nil {
		return models.Schedule{}, err
	}
	now := s.now()
	at, version, err := in.Parse(now, cur)
	if err != nil {
		return models.Schedule{}, err
	}
	sc := models.Schedule{ID: s.NewID(), Resource: r, ResourceID: id, Action: in.Action, Version: version, At: at,
		Status: models.SchedulePending, ScheduledBy: models.ActorFrom(ctx), CreatedAt: now.Truncate(time.Millisecond)}
	if err := s.Store.Insert(ctx, sc); err != nil {
		return models.Schedule{}, err
	}
	s.tell(ctx, sc, models.ActionCreate)
	return sc, nil
}

// Get returns one schedule; ErrNotFound.
func (s *Service) Get(ctx context.Context, id string) (models.Schedule, error) {
	return s.Store.Get(ctx, id)
}

// List filters and pages the schedules.
func (s *Service) List(ctx context.Context, q models.ScheduleQuery) (models.List[models.Schedule], error) {
	return s.Store.List(ctx, q)
}

// Cancel stops a pending schedule. Errors: ErrNotFound, ErrConflict (it
// ran, was cancelled, or is running right now).
func (s *Service) Cancel(ctx context.Context, id string) (models.Schedule, error) {
	var out models.Schedule
	err := s.locked(ctx, id, func(sc models.Schedule) error {
		if sc.Status != models.SchedulePending {
			return fmt.Errorf("%w: the schedule is already %s", models.ErrConflict, sc.Status)
		}
		t := s.now().Truncate(time.Millisecond)
		sc.Status, sc.CancelledAt = models.ScheduleCancelled, &t
		if err := s.Store.Save(ctx, sc); err != nil {
			return err
		}
		out = sc
		return nil
	})
	if errors.Is(err, errBusy) {
		return out, fmt.Errorf("%w: the schedule is running right now", models.ErrConflict)
	}
	if err != nil {
		return out, err
	}
	s.tell(ctx, out, models.ActionDelete)
	return out, nil
}

var errBusy = errors.New("schedule lease held by another runner")

// locked runs f on the schedule's current state while holding its lease,
// so a run and a cancel (on any instance) never interleave.
func (s *Service) locked(ctx context.Context, id string, f func(sc models.Schedule) error) error {
	if _, err := s.Store.Get(ctx, id); err != nil {
		return err
	}
	ok, err := s.Leases.Acquire(ctx, leaseName(id), s.Holder, leaseTTL)
	if err != nil {
		return err
	}
	if !ok {
		return errBusy
	}
	defer func() {
		if err := s.Leases.Release(context.WithoutCancel(ctx), leaseName(id), s.Holder); err != nil {
			s.Logger.Warn("schedule lease not released", "schedule", id, "err", err)
		}
	}()
	// Re-read under the lease: another instance may have run or
	// cancelled it between the list and the lease.
	sc, err := s.Store.Get(ctx, id)
	if err != nil {
		return err
	}
	return f(sc)
}

// Changed is the change hook: deleting a record cancels its pending
// schedules (there is nothing left to publish).
func (s *Service) Changed(ctx context.Context, c models.Change) {
	if c.Action != models.ActionDelete || s.Targets[c.Resource] == nil {
		return
	}
	pending, err := s.Store.Pending(ctx, c.ID)
	if err != nil {
		s.Logger.Warn("schedules of a deleted record not cancelled", "resource", c.Resource, "id", c.ID, "err", err)
		return
	}
	for _, sc := range pending {
		if _, err := s.Cancel(ctx, sc.ID); err != nil && !errors.Is(err, models.ErrConflict) {
			s.Logger.Warn("schedule of a deleted record not cancelled", "schedule", sc.ID, "err", err)
		}
	}
}

// tell passes a schedule's creation or cancellation to the change hook.
func (s *Service) tell(ctx context.Context, sc models.Schedule, act models.Action) {
	if s.Hook == nil {
		return
	}
	s.Hook(ctx, models.Change{Resource: models.ResourceSchedule, ID: sc.ID, Key: string(sc.Resource) + "/" + sc.ResourceID,
		Action: act, Version: sc.Version, Actor: models.ActorFrom(ctx), RequestID: models.RequestID(ctx),
		Client: models.Client(ctx), At: s.now()})
}
