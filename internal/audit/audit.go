// Package audit keeps the audit log: every change of content, documents,
// tokens, webhooks, schedules and preview links (as the change hook sees
// it) and refused authentications (up to a limit per client a minute),
// with who, when, from where and which fields, never a secret or a value.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// Store keeps entries.
type Store interface {
	Append(ctx context.Context, e models.AuditEntry) error
	List(ctx context.Context, q models.AuditQuery) (models.List[models.AuditEntry], error)
	Each(ctx context.Context, q models.AuditQuery, fn func(models.AuditEntry) error) error
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// RefusedPerMinute is how many refused authentications of one client
// address a minute are recorded one by one. The next one is recorded with
// a detail saying that the rest of that minute's refusals from the client
// are not (they are still counted in twincms_audit_refusals_unrecorded_total),
// so a client spraying tokens cannot fill the log or load the database.
const RefusedPerMinute = 20

// Log is the audit log service.
type Log struct {
	store      Store
	newID      func() string
	logger     *slog.Logger
	entries    prometheus.Counter
	unrecorded prometheus.Counter

	mu      sync.Mutex
	minute  time.Time      // the window refusals are counted in
	refused map[string]int // refusals per client address in it
}

// New builds the log; reg receives its metric.
func New(store Store, newID func() string, logger *slog.Logger, reg prometheus.Registerer) *Log {
	l := &Log{store: store, newID: newID, logger: logger, entries: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "twincms_audit_entries_total", Help: "Entries appended to the audit log (changes and refused authentications).",
	}), unrecorded: prometheus.NewCounter(prometheus.CounterOpts{
		Name: "twincms_audit_refusals_unrecorded_total",
		Help: "Refused authentications past the per-client limit of a minute, counted but not recorded one by one.",
	})}
	if reg != nil {
		reg.MustRegister(l.entries, l.unrecorded)
	}
	return l
}

// Changed is the change hook: one entry per change. It never fails the
// write; an entry that cannot be stored is logged (without values).
func (l *Log) Changed(ctx context.Context, c models.Change) {
	at := c.At
	if at.IsZero() {
		at = models.Now()
	}
	fields := c.Changed
	if fields == nil {
		fields = []string{}
	}
	l.append(ctx, models.AuditEntry{At: at, Actor: c.Actor, Action: string(c.Action), Resource: string(c.Resource),
		ResourceID: c.ID, Version: c.Version, Fields: fields, RequestID: c.RequestID, Client: c.Client, Detail: c.Detail})
}

// Refused records a refused authentication: reason says why (no token,
// unknown token), never what was presented.
// At most RefusedPerMinute a client a minute are recorded, and one more
// saying the rest are not.
func (l *Log) Refused(ctx context.Context, reason string) {
	now, client := models.Now(), models.Client(ctx)
	switch n := l.countRefusal(client, now); {
	case n == RefusedPerMinute+1:
		reason += "; further refused authentications from this address are not recorded until " +
			now.Truncate(time.Minute).Add(time.Minute).Format(time.RFC3339)
	case n > RefusedPerMinute+1:
		l.unrecorded.Inc()
		return
	}
	l.append(ctx, models.AuditEntry{At: now, Actor: models.ActorFrom(ctx), Action: models.AuditRefused,
		Resource: string(models.ResourceToken), Fields: []string{}, RequestID: models.RequestID(ctx),
		Client: client, Detail: reason})
}

// Backup records a finished backup: who started it (the API's caller, or
// the schedule), its outcome, target and size or error.
func (l *Log) Backup(ctx context.Context, run models.BackupRun, bytes int64) {
	detail := fmt.Sprintf("%s (%s) to %s: %d bytes, %d sent", run.Status, run.Trigger, run.Target, bytes, run.Progress.BytesSent)
	if run.Error != "" {
		detail = fmt.Sprintf("%s (%s) to %s: %s", run.Status, run.Trigger, run.Target, run.Error)
	}
	at := models.Now()
	if run.FinishedAt != nil {
		at = *run.FinishedAt
	}
	l.append(ctx, models.AuditEntry{At: at, Actor: models.ActorFrom(ctx), Action: models.AuditBackup,
		Resource: string(models.ResourceBackup), ResourceID: run.ID, Fields: []string{}, RequestID: models.RequestID(ctx),
		Client: models.Client(ctx), Detail: detail})
}

// countRefusal counts a refusal of client in now's minute and returns how
// many there were in it so far; the counts start again every minute.
func (l *Log) countRefusal(client string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := now.Truncate(time.Minute); !m.Equal(l.minute) || l.refused == nil {
		l.minute, l.refused = m, map[string]int{}
	}
	l.refused[client]++
	return l.refused[client]
}

func (l *Log) append(ctx context.Context, e models.AuditEntry) {
	e.ID = l.newID()
	e.At = e.At.UTC().Truncate(time.Millisecond)
	// The write is stored already; a client hanging up must not lose its
	// entry, so only the request's values are kept, with a deadline.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := l.store.Append(ctx, e); err != nil {
		l.logger.ErrorContext(ctx, "audit: entry not stored", "action", e.Action, "resource", e.Resource,
			"resource_id", e.ResourceID, "request_id", e.RequestID, "err", err)
		return
	}
	l.entries.Inc()
}

// List returns a page of entries, newest first.
func (l *Log) List(ctx context.Context, q models.AuditQuery) (models.List[models.AuditEntry], error) {
	return l.store.List(ctx, q)
}

// Export writes every matching entry as JSON Lines, newest first.
func (l *Log) Export(ctx context.Context, q models.AuditQuery, w io.Writer) error {
	enc := json.NewEncoder(w)
	return l.store.Each(ctx, q, func(e models.AuditEntry) error { return enc.Encode(e) })
}

// PruneEvery removes entries older than keep, at start and then every
// interval, until ctx ends. keep 0 keeps everything (the default).
func (l *Log) PruneEvery(ctx context.Context, keep, every time.Duration) {
	if keep <= 0 {
		return
	}
	loop.Every(ctx, every, func(ctx context.Context) error {
		n, err := l.store.Prune(ctx, models.Now().Add(-keep))
		if n > 0 {
			l.logger.InfoContext(ctx, "audit: pruned entries past retention", "removed", n, "retention", keep.String())
		}
		return err
	}, l.logger, loop.Name("audit: pruning"), loop.Immediately())
}
