package backup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Service runs this instance's backups, one at a time, for the HTTP API,
// the schedule and the command: it keeps the running backup's progress and
// the last outcome, counts them in metrics and tells OnDone.
type Service struct {
	src    Source
	target Target
	// why is the reason no backup can run here ("" when one can).
	why    string
	logger *slog.Logger
	// OnDone is told of every finished backup (audit log, webhooks).
	OnDone func(ctx context.Context, run models.BackupRun, info Info)
	// Schedule is shown in the status ("" none).
	Schedule string

	mu       sync.Mutex
	running  *models.BackupRun
	progress *Progress
	last     *models.BackupRun
	wg       sync.WaitGroup
	stop     context.CancelFunc
	stopCtx  context.Context
	metrics  *runMetrics
}

// NewService returns the backup service of src into target. why, when not
// empty, says why backups cannot run here (no target, an external
// database) and every start is refused with it.
func NewService(ctx context.Context, src Source, target Target, why string, logger *slog.Logger, reg prometheus.Registerer) (*Service, error) {
	m, err := newRunMetrics(reg)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx)) // the service outlives Open's context
	return &Service{src: src, target: target, why: why, logger: logger, metrics: m, stop: cancel, stopCtx: ctx}, nil
}

// Target names where backups go ("" none).
func (s *Service) Target() string {
	if s.target == nil {
		return ""
	}
	return s.target.String()
}

// Start begins a backup in the background and returns it as running.
// Errors: models.ErrConflict when one runs already or none can run here.
func (s *Service) Start(ctx context.Context, trigger string) (models.BackupRun, error) {
	run, p, err := s.begin(trigger)
	if err != nil {
		return models.BackupRun{}, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.execute(logCtx(ctx, s.stopCtx), run, p, nil)
	}()
	return *run, nil
}

// Run makes a backup now and returns when it is done.
func (s *Service) Run(ctx context.Context, trigger string) (models.BackupRun, Info, error) {
	return s.run(ctx, trigger, nil)
}

// run is Run, then, when keep is set and the backup succeeded, Prune
// while no other backup can start.
func (s *Service) run(ctx context.Context, trigger string, keep *Retention) (models.BackupRun, Info, error) {
	run, p, err := s.begin(trigger)
	if err != nil {
		return models.BackupRun{}, Info{}, err
	}
	info, err := s.execute(ctx, run, p, keep)
	return s.lastRun(), info, err
}

func (s *Service) begin(trigger string) (*models.BackupRun, *Progress, error) {
	if s.why != "" {
		return nil, nil, models.Hide(models.ErrConflict, s.why, nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running != nil {
		return nil, nil, models.Hide(models.ErrConflict, "a backup is running (started "+s.running.StartedAt.Format(time.RFC3339)+")", nil)
	}
	s.progress = &Progress{}
	s.running = &models.BackupRun{Status: models.BackupRunning, Target: s.target.String(), Trigger: trigger, StartedAt: time.Now().UTC()}
	return s.running, s.progress, nil
}

func (s *Service) execute(ctx context.Context, run *models.BackupRun, p *Progress, keep *Retention) (Info, error) {
	info, err := Run(ctx, s.src, s.target, p)
	if err == nil && keep != nil {
		if removed, err := Prune(ctx, s.target, *keep); err != nil {
			s.logger.Warn("backup retention: pruning failed", "err", err)
		} else if len(removed) > 0 {
			s.logger.Info("backup retention: removed old backups", "removed", removed)
		}
	}
	now := time.Now().UTC()
	s.mu.Lock()
	done := *run
	done.ID, done.FinishedAt, done.MigrationLevel, done.Progress = info.ID, &now, info.MigrationLevel, p.Snapshot()
	done.Status = models.BackupSucceeded
	if err != nil {
		done.Status, done.Error = models.BackupFailed, err.Error()
	}
	s.last, s.running, s.progress = &done, nil, nil
	s.mu.Unlock()
	s.metrics.observe(done, info)
	if err != nil {
		s.logger.Error("backup failed", "target", done.Target, "err", err)
	} else {
		s.logger.Info("backup done", "id", info.ID, "target", done.Target, "objects", info.Objects,
			"bytes", info.Bytes, "sent_bytes", info.SentBytes, "took", now.Sub(done.StartedAt).Round(time.Millisecond))
	}
	if s.OnDone != nil {
		s.OnDone(context.WithoutCancel(ctx), done, info)
	}
	return info, err
}

func (s *Service) lastRun() models.BackupRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return models.BackupRun{}
	}
	return *s.last
}

// Status is the running backup with its progress, the last one and the
// backups kept in the target.
func (s *Service) Status(ctx context.Context) (models.BackupStatus, error) {
	st := models.BackupStatus{Target: s.Target(), Schedule: s.Schedule, Kept: []string{}}
	s.mu.Lock()
	if s.running != nil {
		r := *s.running
		r.Progress = s.progress.Snapshot()
		st.Running = &r
	}
	if s.last != nil {
		l := *s.last
		st.Last = &l
	}
	s.mu.Unlock()
	if s.target == nil {
		return st, nil
	}
	kept, err := Backups(ctx, s.target)
	if err != nil {
		// The run's state is what matters most when the target fails.
		s.logger.Warn("backup target cannot be listed", "target", s.target.String(), "err", err)
		st.TargetError = "the backup target cannot be listed"
		return st, nil
	}
	if kept != nil {
		st.Kept = kept
	}
	return st, nil
}

// Warning is what /readyz says of backups: the last one failed ("" when
// it did not).
func (s *Service) Warning() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil || s.last.Status != models.BackupFailed {
		return ""
	}
	return fmt.Sprintf("the last backup (%s) failed: %s", s.last.StartedAt.Format(time.RFC3339), s.last.Error)
}

// Close cancels a running backup and waits for it.
func (s *Service) Close() {
	s.stop()
	s.wg.Wait()
}

// logCtx is a context with the values of ctx (the request's id) that ends
// with the service, not with the request that started the backup.
func logCtx(ctx, life context.Context) context.Context {
	c, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(life, cancel)
	go func() { <-c.Done(); stop() }()
	return c
}

// ErrRunning reports whether err is the refusal of a second backup.
func ErrRunning(err error) bool { return errors.Is(err, models.ErrConflict) }
