package backup

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Ljubljana also on an image without zoneinfo

	"github.com/jesenice/twincms/models"
)

// Schedule is when backups run: daily at a time, weekly on a day at a
// time (in a time zone), or every interval.
type Schedule struct {
	every   time.Duration
	weekly  bool
	weekday time.Weekday
	hour    int
	minute  int
	loc     *time.Location
	spec    string
}

// ParseSchedule reads TWINCMS_BACKUP_SCHEDULE: "daily [at] HH:MM [ZONE]",
// "weekly [on] DAY [at] HH:MM [ZONE]" (DAY: monday … sunday or mon … sun)
// or "every DURATION" (at least 1s; from the Unix epoch).
func ParseSchedule(s string) (Schedule, error) {
	f := strings.Fields(strings.ToLower(s))
	out := Schedule{loc: time.UTC, spec: strings.TrimSpace(s)}
	bad := fmt.Errorf(`config: TWINCMS_BACKUP_SCHEDULE must be "daily 02:00 Europe/Ljubljana", "weekly sunday 03:00 Europe/Ljubljana" or "every 6h", got %q`, s)
	drop := func(word string) {
		if len(f) > 0 && f[0] == word {
			f = f[1:]
		}
	}
	if len(f) == 0 {
		return out, bad
	}
	kind := f[0]
	f = f[1:]
	switch kind {
	case "every":
		if len(f) != 1 {
			return out, bad
		}
		d, err := time.ParseDuration(f[0])
		if err != nil || d < time.Second {
			return out, bad
		}
		out.every = d
		return out, nil
	case "weekly":
		drop("on")
		if len(f) == 0 {
			return out, bad
		}
		day, ok := weekdays[f[0]]
		if !ok {
			return out, bad
		}
		out.weekly, out.weekday, f = true, day, f[1:]
	case "daily":
	default:
		return out, bad
	}
	drop("at")
	if len(f) == 0 || len(f) > 2 {
		return out, bad
	}
	hh, mm, ok := strings.Cut(f[0], ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return out, bad
	}
	out.hour, out.minute = h, m
	if len(f) == 2 {
		// Zone names are case-sensitive: take it from the original text.
		orig := strings.Fields(s)
		loc, err := time.LoadLocation(orig[len(orig)-1])
		if err != nil {
			return out, fmt.Errorf("config: TWINCMS_BACKUP_SCHEDULE names an unknown time zone %q", orig[len(orig)-1])
		}
		out.loc = loc
	}
	return out, nil
}

var weekdays = map[string]time.Weekday{}

func init() {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		weekdays[name], weekdays[name[:3]] = d, d
	}
}

func (s Schedule) String() string { return s.spec }

// Every is the interval of an "every" schedule (0 for daily and weekly).
func (s Schedule) Every() time.Duration { return s.every }

// Location is the schedule's time zone (retention's days and weeks).
func (s Schedule) Location() *time.Location { return s.loc }

// Slot is the latest time at or before now the schedule fires.
func (s Schedule) Slot(now time.Time) time.Time {
	if s.every > 0 {
		return now.Truncate(s.every)
	}
	local := now.In(s.loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), s.hour, s.minute, 0, 0, s.loc)
	if at.After(local) {
		at = at.AddDate(0, 0, -1)
	}
	if s.weekly {
		for at.Weekday() != s.weekday {
			at = at.AddDate(0, 0, -1)
		}
	}
	return at
}

// Leases let one instance of several on one database take a slot.
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

// slotLease outlives its slot: an instance that starts later (or again)
// finds the slot taken and does not back up twice.
const slotLease = 8 * 24 * time.Hour

// RunSchedule backs up at every slot of sched until ctx ends: the instance
// that takes the slot's lease first makes the backup, then prunes the
// target to keep. A slot missed while no instance ran is caught up at
// start. Check is how often the clock is looked at.
func (s *Service) RunSchedule(ctx context.Context, sched Schedule, leases Leases, holder string, keep Retention, check time.Duration) {
	var done time.Time
	for {
		if slot := sched.Slot(time.Now()); slot.After(done) {
			done = slot
			s.runSlot(ctx, slot, leases, holder, keep.In(sched.Location()))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(check):
		}
	}
}

func (s *Service) runSlot(ctx context.Context, slot time.Time, leases Leases, holder string, keep Retention) {
	name := "backup-slot:" + slot.UTC().Format(time.RFC3339)
	ok, err := leases.Acquire(ctx, name, holder, slotLease)
	if err != nil {
		s.logger.Warn("scheduled backup: cannot take the slot's lease; the next slot tries again", "slot", slot, "err", err)
		return
	}
	if !ok {
		return // another instance has this slot
	}
	if _, _, err := s.run(ctx, "schedule", &keep); err != nil && !errors.Is(err, models.ErrConflict) {
		return // logged, counted and told by execute
	} else if err != nil {
		s.logger.Warn("scheduled backup skipped: another backup is running", "slot", slot)
	}
}
