package schedule

import (
	"context"
	"errors"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// batch bounds the schedules one pass runs; the next pass takes the rest.
const batch = 50

// RunEvery runs the due schedules at once (those missed while the service
// was down) and then every period until ctx ends.
func (s *Service) RunEvery(ctx context.Context, period time.Duration) {
	loop.Every(ctx, period, func(ctx context.Context) error {
		s.RunDue(ctx)
		return nil // RunDue logs what failed; the next pass retries
	}, nil, loop.Name("schedule runner"), loop.Immediately())
}

// RunDue runs every due schedule this instance can take the lease of.
func (s *Service) RunDue(ctx context.Context) {
	due, err := s.Store.Due(ctx, s.now(), batch)
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Warn("due schedules unreadable", "err", err)
		}
		return
	}
	for _, sc := range due {
		if ctx.Err() != nil {
			return
		}
		err := s.locked(ctx, sc.ID, func(cur models.Schedule) error {
			if cur.Status != models.SchedulePending {
				return nil // another instance ran or cancelled it
			}
			s.run(ctx, cur)
			return nil
		})
		if err != nil && !errors.Is(err, errBusy) && ctx.Err() == nil {
			s.Logger.Warn("schedule not run", "schedule", sc.ID, "err", err)
		}
	}
}

// run carries one schedule out under its lease and records the result.
func (s *Service) run(ctx context.Context, sc models.Schedule) {
	actx := models.WithActor(ctx, models.Actor{Name: "schedule"})
	err := s.apply(actx, sc)
	outcome := OutcomeDone
	switch {
	case err == nil:
	case errors.Is(err, models.ErrConflict):
		// Already what the schedule wants (that content published, or
		// already a draft): nothing to do, done.
	case errors.Is(err, models.ErrStale), errors.Is(err, models.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), ctx.Err() != nil:
		// The record moved under us or a store is down: try again.
		s.count(OutcomeRetry)
		s.Logger.Info("schedule will be retried", "schedule", sc.ID, "err", err)
		return
	default:
		outcome = OutcomeFailed
		sc.ErrorCode, sc.Error = failure(err)
	}
	ranAt := s.now().Truncate(time.Millisecond)
	sc.Status, sc.RanAt, sc.Late = models.ScheduleStatus(outcome), &ranAt, ranAt.Sub(sc.At) > s.LateAfter
	if err := s.Store.Save(ctx, sc); err != nil {
		s.Logger.Warn("schedule result not recorded", "schedule", sc.ID, "outcome", outcome, "err", err)
		return
	}
	s.count(outcome)
	s.Logger.Info("schedule ran", "schedule", sc.ID, "resource", sc.Resource, "id", sc.ResourceID,
		"action", sc.Action, "version", sc.Version, "outcome", outcome, "late", sc.Late)
}

// apply does what the schedule says through the content service.
func (s *Service) apply(ctx context.Context, sc models.Schedule) error {
	t, err := s.target(sc.Resource)
	if err != nil {
		return err
	}
	cur, status, err := t.Current(ctx, sc.ResourceID)
	if err != nil {
		return err
	}
	if sc.Action == models.ActionUnpublish {
		if status == models.StatusDraft {
			return nil // already what the schedule wants
		}
		return t.Unpublish(ctx, sc.ResourceID, cur)
	}
	return t.PublishVersion(ctx, sc.ResourceID, sc.Version, cur)
}

// failure says why a schedule failed, in words for the editor (never a
// driver's text).
func failure(err error) (models.ScheduleErrorCode, string) {
	switch {
	case errors.Is(err, models.ErrNotFound):
		return models.ScheduleErrGone, "the record or its version no longer exists"
	case errors.Is(err, models.ErrInvalid):
		return models.ScheduleErrInvalid, "the version can no longer be published: it breaks a rule (a linked document may be gone)"
	}
	return models.ScheduleErrOther, "the action failed"
}

func (s *Service) count(outcome string) {
	if s.OnRun != nil {
		s.OnRun(outcome)
	}
}
