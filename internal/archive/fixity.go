// Package archive keeps originals provably unchanged and lets them leave
// as standard packages: fixity checks (one document or an audit of all)
// and BagIt export.
package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// Objects reads stored objects. Errors: models.ErrNotFound for a missing key.
type Objects interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
}

// Records are the document records and their history.
type Records interface {
	Get(ctx context.Context, id string) (*models.Document, error)
	All(ctx context.Context) ([]*models.Document, error)
	AppendEvent(ctx context.Context, ev models.Event) error
}

// Leases give one instance at a time the audit.
type Leases interface {
	Acquire(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	Renew(ctx context.Context, name, holder string, ttl time.Duration) error
	Release(ctx context.Context, name, holder string) error
}

// States keep the audit's progress.
type States interface {
	Load(ctx context.Context) (models.FixityState, error)
	Save(ctx context.Context, s models.FixityState) error
}

// Fixity checks documents against their recorded SHA-256.
type Fixity struct {
	Objects Objects
	Records Records
	Leases  Leases
	States  States
	Logger  *slog.Logger
	// Holder names this instance in leases and runs.
	Holder string
	// RateBytes caps the audit's reading (bytes per second) so that it
	// does not starve serving; 0 is unthrottled.
	RateBytes int64
	// OnResult is told every check's outcome, "ok" or "failed" (metrics:
	// CheckCounter).
	OnResult func(result string)
	// OnFailed is told of every stored fixity_failed event (webhooks).
	OnFailed func(ctx context.Context, doc *models.Document, ev models.Event)
	// NewID makes event ids, so the event a check returns is the one
	// stored, id included.
	NewID func() string
}

// ErrAuditBusy: another instance holds the audit lease.
var ErrAuditBusy = fmt.Errorf("%w: a fixity audit is running on another instance", models.ErrConflict)

const (
	auditLease = "fixity-audit"
	leaseTTL   = time.Minute
)

// Check re-reads one document's object, recomputes its SHA-256 and
// appends fixity_ok or fixity_failed (also when the object is missing).
func (f *Fixity) Check(ctx context.Context, doc *models.Document, actor string) (models.Event, int64, error) {
	sum, n, err := f.hash(ctx, doc.File.Key)
	ev := models.Event{ID: f.NewID(), DocumentID: doc.ID, At: models.Now(), Actor: actor}
	switch {
	case errors.Is(err, models.ErrNotFound):
		ev.Type, ev.Detail = models.EventFixityFailed, "the stored object is missing"
	case err != nil:
		return ev, n, err // the store is unreachable: no verdict
	case sum != doc.File.SHA256 || n != doc.File.Size:
		ev.Type, ev.Detail = models.EventFixityFailed, fmt.Sprintf("sha256 %s, %d bytes; recorded sha256 %s, %d bytes", sum, n, doc.File.SHA256, doc.File.Size)
	default:
		ev.Type, ev.Detail = models.EventFixityOK, "sha256 "+sum
	}
	if f.OnResult != nil {
		result := "failed"
		if ev.Type == models.EventFixityOK {
			result = "ok"
		}
		f.OnResult(result)
	}
	if err := f.Records.AppendEvent(ctx, ev); err != nil {
		return ev, n, err
	}
	if f.OnFailed != nil && ev.Type == models.EventFixityFailed {
		f.OnFailed(ctx, doc, ev)
	}
	return ev, n, nil
}

func (f *Fixity) hash(ctx context.Context, key string) (string, int64, error) {
	rc, _, err := f.Objects.Get(ctx, key)
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	return pipelinedSHA256(rc)
}

// pipelinedSHA256 reads and hashes on two goroutines, so the audit runs at
// the speed of the slower of the two rather than of both added up.
func pipelinedSHA256(r io.Reader) (string, int64, error) {
	const chunk, depth = 1 << 20, 4
	free := make(chan []byte, depth)
	full := make(chan []byte, depth)
	for range depth {
		free <- make([]byte, chunk)
	}
	var readErr error
	go func() {
		defer close(full)
		for buf := range free {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				full <- buf[:n]
			}
			if err != nil {
				if err != io.EOF && err != io.ErrUnexpectedEOF {
					readErr = err
				}
				return
			}
		}
	}()
	h := sha256.New()
	var total int64
	for buf := range full {
		h.Write(buf)
		total += int64(len(buf))
		free <- buf[:cap(buf)]
	}
	// full is closed only after the reader's last write of readErr.
	if readErr != nil {
		return "", total, readErr
	}
	return hex.EncodeToString(h.Sum(nil)), total, nil
}

// State returns the audit's progress and last result.
func (f *Fixity) State(ctx context.Context) (models.FixityState, error) { return f.States.Load(ctx) }

// Audit checks every document once, holding the audit lease so that only
// one instance audits at a time (ErrAuditBusy otherwise). It resumes an
// unfinished run after its last checked document.
func (f *Fixity) Audit(ctx context.Context) (models.FixityRun, error) {
	ok, err := f.Leases.Acquire(ctx, auditLease, f.Holder, leaseTTL)
	if err != nil {
		return models.FixityRun{}, err
	}
	if !ok {
		return models.FixityRun{}, ErrAuditBusy
	}
	renewCtx, stopRenew := context.WithCancel(ctx)
	defer func() {
		stopRenew()
		if err := f.Leases.Release(context.WithoutCancel(ctx), auditLease, f.Holder); err != nil {
			f.Logger.Warn("fixity lease not released; it expires by itself", "err", err)
		}
	}()
	go f.keepLease(renewCtx)

	state, err := f.States.Load(ctx)
	if err != nil {
		return models.FixityRun{}, err
	}
	docs, err := f.Records.All(ctx)
	if err != nil {
		return models.FixityRun{}, err
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	run := state.Current
	if run == nil {
		now := models.Now()
		run = &models.FixityRun{ID: now.Format("20060102T150405.000Z"), StartedAt: now, FailedIDs: []string{}}
	}
	run.Holder, run.Total = f.Holder, len(docs)
	start := time.Now()
	var read int64
	for _, d := range docs {
		if d.ID <= run.LastID {
			continue // done before a restart
		}
		ev, n, err := f.Check(ctx, d, "fixity-audit")
		if err != nil {
			state.Current = run
			_ = f.States.Save(context.WithoutCancel(ctx), state)
			return *run, err
		}
		run.Checked++
		run.Bytes += n
		if ev.Type == models.EventFixityOK {
			run.OK++
		} else {
			run.Failed++
			run.FailedIDs = append(run.FailedIDs, d.ID)
		}
		run.LastID = d.ID
		state.Current = run
		if err := f.States.Save(ctx, state); err != nil {
			return *run, err
		}
		read += n
		f.throttle(ctx, start, read)
	}
	finished := models.Now()
	run.FinishedAt = &finished
	state.Current, state.Last = nil, run
	if err := f.States.Save(ctx, state); err != nil {
		return *run, err
	}
	f.Logger.Info("fixity audit finished", "checked", run.Checked, "ok", run.OK, "failed", run.Failed, "bytes", run.Bytes)
	return *run, nil
}

// throttle sleeps so that read bytes take at least read/RateBytes.
func (f *Fixity) throttle(ctx context.Context, start time.Time, read int64) {
	if f.RateBytes <= 0 {
		return
	}
	due := time.Duration(float64(read) / float64(f.RateBytes) * float64(time.Second))
	if wait := due - time.Since(start); wait > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// keepLease renews the audit lease a third of its lifetime apart until
// ctx ends.
func (f *Fixity) keepLease(ctx context.Context) {
	loop.Every(ctx, leaseTTL/3, func(ctx context.Context) error {
		return f.Leases.Renew(ctx, auditLease, f.Holder, leaseTTL)
	}, f.Logger, loop.Name("fixity lease renewal"))
}

// AuditEvery runs the audit when the last one finished more than every
// ago (a new installation: every after start), and resumes an interrupted
// one, checking once a minute until ctx ends. Several instances may run
// it: the lease picks one.
func (f *Fixity) AuditEvery(ctx context.Context, every time.Duration) {
	started := time.Now()
	loop.Every(ctx, min(time.Minute, every), func(ctx context.Context) error {
		state, err := f.States.Load(ctx)
		var due bool
		switch {
		case err != nil:
		case state.Current != nil:
			due = true
		case state.Last != nil && state.Last.FinishedAt != nil:
			due = time.Since(*state.Last.FinishedAt) >= every
		default:
			due = time.Since(started) >= every
		}
		if !due {
			return nil
		}
		if _, err := f.Audit(ctx); !errors.Is(err, ErrAuditBusy) {
			return err
		}
		return nil
	}, f.Logger, loop.Name("fixity audit"), loop.Immediately())
}
