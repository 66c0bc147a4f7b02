package models

import (
	"time"
)

// ScheduleStatus is where a schedule is in its life: pending until it
// runs, then done or failed; cancelled by an editor or because its record
// was deleted.
type ScheduleStatus string

// Schedule statuses.
const (
	SchedulePending   ScheduleStatus = "pending"
	ScheduleDone      ScheduleStatus = "done"
	ScheduleFailed    ScheduleStatus = "failed"
	ScheduleCancelled ScheduleStatus = "cancelled"
)

// Valid reports whether s is a known schedule status.
func (s ScheduleStatus) Valid() bool {
	return s == SchedulePending || s == ScheduleDone || s == ScheduleFailed || s == ScheduleCancelled
}

// Schedule is a publish or unpublish of one content record planned for a
// time. A publish names the version it publishes: that version's content
// goes live at At, whatever the draft has become since (the version's
// snapshot is immutable, so the plan is frozen when it is made).
type Schedule struct {
	ID         string         `json:"id" bson:"_id"`
	Resource   Resource       `json:"resource" bson:"resource"`
	ResourceID string         `json:"resource_id" bson:"resource_id"`
	Action     Action         `json:"action" bson:"action"`
	Version    int64          `json:"version" bson:"version"`
	At         time.Time      `json:"at" bson:"at"`
	Status     ScheduleStatus `json:"status" bson:"status"`
	// RanAt is when it ran (done or failed); Late says it ran more than
	// the allowed delay after At (the service was down at At).
	RanAt *time.Time `json:"ran_at" bson:"ran_at,omitempty"`
	Late  bool       `json:"late" bson:"late"`
	// Error says why it failed, in words for the editor; ErrorCode names
	// the reason for a UI that says it in its own language.
	Error       string            `json:"error,omitempty" bson:"error,omitempty"`
	ErrorCode   ScheduleErrorCode `json:"error_code,omitempty" bson:"error_code,omitempty"`
	ScheduledBy Actor             `json:"scheduled_by" bson:"scheduled_by"`
	CreatedAt   time.Time         `json:"created_at" bson:"created_at"`
	// CancelledAt is set when it was cancelled.
	CancelledAt *time.Time `json:"cancelled_at,omitempty" bson:"cancelled_at,omitempty"`
}

// ScheduleErrorCode is why a schedule failed.
type ScheduleErrorCode string

// Why a schedule failed: the record or its version is gone, the version
// breaks a rule now (a linked document withdrawn), or anything else.
const (
	ScheduleErrGone    ScheduleErrorCode = "gone"
	ScheduleErrInvalid ScheduleErrorCode = "invalid"
	ScheduleErrOther   ScheduleErrorCode = "failed"
)

// ScheduleInput is the body of POST …/{id}/schedule.
type ScheduleInput struct {
	Action Action `json:"action"`
	// At is an RFC 3339 time in the future.
	At string `json:"at"`
	// Version is the version to publish; 0 is the current one.
	Version int64 `json:"version"`
}

// MaxScheduleAhead bounds how far ahead a schedule may be set.
const MaxScheduleAhead = 5 * 366 * 24 * time.Hour

// Parse checks the input against now and the record's current version and
// returns the time and version it names.
func (in ScheduleInput) Parse(now time.Time, current int64) (time.Time, int64, error) {
	var p Problems
	if in.Action != ActionPublish && in.Action != ActionUnpublish {
		p.Add("action", "must be publish or unpublish")
	}
	at, err := time.Parse(time.RFC3339, in.At)
	switch {
	case in.At == "":
		p.Add("at", "is required: an RFC 3339 time such as 2027-01-01T08:00:00+01:00")
	case err != nil:
		p.Add("at", "must be an RFC 3339 time such as 2027-01-01T08:00:00+01:00")
	case !at.After(now):
		p.Add("at", "must be in the future (publish now with the publish action)")
	case at.After(now.Add(MaxScheduleAhead)):
		p.Add("at", "must be within 5 years")
	}
	v := in.Version
	if v == 0 {
		v = current
	}
	if v < 1 || v > current {
		p.Add("version", "must be an existing version, 1 to %d", current)
	}
	return at.UTC(), v, p.Err(ErrInvalid)
}

// ScheduleQuery filters the schedule list.
type ScheduleQuery struct {
	Resource   Resource
	ResourceID string
	Status     ScheduleStatus
	Page       int
	PerPage    int
}
