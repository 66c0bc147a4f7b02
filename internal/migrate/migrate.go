// Package migrate brings the stored data to the shape this code expects:
// an ordered list of versioned data migrations, each run once, the level
// reached recorded in the database. It runs from app.Open before any
// repository reads content, so every service sees data of one shape.
//
// Several instances may start together on one database. The embedded
// store has no transactions, so one instance at a time migrates under a
// lease (a document whose insert is atomic); the others wait for the
// lease, then find the level reached and run nothing. Each migration
// must be safe to run again from the start: an instance that dies
// halfway leaves its level unrecorded, and the next start repeats it.
//
// A later issue adds a migration by appending it to the list in
// internal/app (migrations.go) with the next level.
package migrate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Migration is one step from level Level-1 to Level.
type Migration struct {
	// Level is the step's place: the list runs 1, 2, 3, … without gaps.
	Level int
	// Name says in a few words what the step changes (logged, recorded).
	Name string
	// Up changes the data; it must be safe to run again after a crash.
	Up func(ctx context.Context) error
}

// Levels keeps the level the database has reached (storage.Migrations).
// Errors: models.ErrUnavailable; Advance: models.ErrStale when the level
// is not from any more.
type Levels interface {
	Level(ctx context.Context) (int, error)
	Advance(ctx context.Context, from, to int, name string, took time.Duration) error
}

// Lease lets one instance at a time migrate (storage.Leases).
type Lease interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Renew(ctx context.Context, name, holder string, ttl time.Duration) error
	Release(ctx context.Context, name, holder string) error
}

// ErrNewer refuses to start on a database migrated by a newer twincms:
// this code does not know that data's shape.
var ErrNewer = errors.New("the database was migrated by a newer twincms")

// LeaseName is the lease migrations run under.
const LeaseName = "migrations"

// Runner applies the migrations that a database has not had yet.
type Runner struct {
	Levels Levels
	Lease  Lease
	// Holder names this instance in the lease.
	Holder string
	Logger *slog.Logger
	// TTL is how long the lease lasts unrenewed (a crashed migrator's
	// lease expires then); Poll how often a waiting instance looks again.
	// Zero: 30 s and 200 ms.
	TTL, Poll time.Duration
}

// Run applies the pending migrations of list in order and returns how
// many this instance applied. It returns once the database is at the
// list's level, whoever brought it there; ctx bounds the wait.
func (r *Runner) Run(ctx context.Context, list []Migration) (int, error) {
	if err := Check(list); err != nil {
		return 0, err
	}
	ttl, poll := r.TTL, r.Poll
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	if poll <= 0 {
		poll = 200 * time.Millisecond
	}
	for {
		level, err := r.Levels.Level(ctx)
		if err != nil {
			return 0, err
		}
		if level > len(list) {
			return 0, fmt.Errorf("%w: it is at level %d, this one knows %d", ErrNewer, level, len(list))
		}
		if level == len(list) {
			return 0, nil
		}
		got, err := r.Lease.Acquire(ctx, LeaseName, r.Holder, ttl)
		if err != nil {
			return 0, err
		}
		if got {
			return r.apply(ctx, list, ttl)
		}
		select { // another instance migrates: wait for it
		case <-ctx.Done():
			return 0, fmt.Errorf("waiting for another instance's data migration: %w", ctx.Err())
		case <-time.After(poll):
		}
	}
}

// apply runs the pending steps while holding the lease, renewing it.
func (r *Runner) apply(ctx context.Context, list []Migration, ttl time.Duration) (n int, err error) {
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if err := r.Lease.Renew(ctx, LeaseName, r.Holder, ttl); err != nil && r.Logger != nil {
					r.Logger.Warn("data migration: renewing the lease failed", "err", err)
				}
			}
		}
	}()
	defer func() {
		close(stop)
		<-renewed
		if rerr := r.Lease.Release(context.WithoutCancel(ctx), LeaseName, r.Holder); rerr != nil && err == nil {
			err = rerr
		}
	}()
	// Read the level again under the lease: the instance that held it
	// before may have finished meanwhile.
	level, err := r.Levels.Level(ctx)
	if err != nil {
		return 0, err
	}
	if level > len(list) {
		return 0, fmt.Errorf("%w: it is at level %d, this one knows %d", ErrNewer, level, len(list))
	}
	for _, m := range list[level:] {
		start := time.Now()
		if err := m.Up(ctx); err != nil {
			return n, fmt.Errorf("data migration %d (%s): %w", m.Level, m.Name, err)
		}
		took := time.Since(start)
		if err := r.Levels.Advance(ctx, m.Level-1, m.Level, m.Name, took); err != nil {
			return n, fmt.Errorf("data migration %d (%s): recording the level: %w", m.Level, m.Name, err)
		}
		n++
		if r.Logger != nil {
			r.Logger.Info("data migration applied", "level", m.Level, "name", m.Name, "took", took.Round(time.Millisecond))
		}
	}
	return n, nil
}

// Check reports a list whose levels do not run 1, 2, 3, … or that lacks
// a name or a step.
func Check(list []Migration) error {
	for i, m := range list {
		if m.Level != i+1 {
			return fmt.Errorf("data migrations: entry %d has level %d, want %d", i, m.Level, i+1)
		}
		if m.Name == "" || m.Up == nil {
			return fmt.Errorf("data migrations: level %d lacks a name or a step", m.Level)
		}
	}
	return nil
}
