package ingest

import (
	"context"
	"strings"
	"time"

	"github.com/jesenice/twincms/internal/loop"
	"github.com/jesenice/twincms/models"
)

// SweepResult counts what a sweep removed or repaired.
type SweepResult struct {
	ExpiredUploads int `json:"expired_uploads"`
	OrphanObjects  int `json:"orphan_objects"`
	// IncompleteUploads are multipart uploads aborted (with their parts):
	// left by a kill, or a shutdown whose drain timed out, mid-upload.
	IncompleteUploads int `json:"incomplete_uploads"`
	// StaleClaims are checksum claims released whose document has no record.
	StaleClaims int `json:"stale_claims"`
	// FinishedPurges are purges interrupted after their event was written.
	FinishedPurges int `json:"finished_purges"`
	// RepairedEvents are "ingested" events written for records that had none.
	RepairedEvents int `json:"repaired_events"`
	// BackfilledClaims are claims made for records stored before claims.
	BackfilledClaims int `json:"backfilled_claims"`
	// SettledEvents are events of a describe, withdraw or restore written
	// into the history from the record, where a crash left them pending.
	SettledEvents int `json:"settled_events"`
}

func (r SweepResult) any() bool {
	return r != SweepResult{}
}

// Counts names each non-zero count as in JSON (for logs and metrics).
func (r SweepResult) Counts() map[string]int {
	out := map[string]int{}
	for k, n := range map[string]int{"expired_uploads": r.ExpiredUploads, "orphan_objects": r.OrphanObjects,
		"incomplete_uploads": r.IncompleteUploads, "stale_claims": r.StaleClaims, "finished_purges": r.FinishedPurges,
		"repaired_events": r.RepairedEvents, "backfilled_claims": r.BackfilledClaims, "settled_events": r.SettledEvents} {
		if n > 0 {
			out[k] = n
		}
	}
	return out
}

// sweptPrefixes hold every object and upload ingest makes, the
// extracted texts (models.TextKey) and the thumbnails (models.ThumbnailKey).
var sweptPrefixes = []string{"originals/", "renditions/", "texts/", "thumbnails/"}

// documentOf names the document an object key belongs to.
func documentOf(key string) string {
	for _, prefix := range sweptPrefixes {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			id, _, _ := strings.Cut(rest, "/")
			return id
		}
	}
	return ""
}

// Sweep repairs what interrupted ingests and purges leave: it removes
// expired direct uploads, finishes purges, writes missing ingest events,
// releases stale claims, and removes objects and incomplete multipart
// uploads that no record names. Leftovers younger than grace are spared:
// another instance may be ingesting them right now.
func (s *Service) Sweep(ctx context.Context, grace time.Duration) (SweepResult, error) {
	return s.sweep(ctx, grace, grace)
}

// sweep is Sweep with its own grace for incomplete multipart uploads.
func (s *Service) sweep(ctx context.Context, grace, uploadGrace time.Duration) (SweepResult, error) {
	var res SweepResult
	if s.held() {
		return res, nil // a backup runs; the next sweep does the work
	}
	now := time.Now()
	pending, err := s.sweepUploads(ctx, now, &res)
	if err != nil {
		return res, err
	}
	known, err := s.sweepRecords(ctx, &res)
	if err != nil {
		return res, err
	}
	if err := s.sweepClaims(ctx, now, grace, known, &res); err != nil {
		return res, err
	}
	// spare: too young to be called a leftover, or in use here.
	spare := func(key string, at time.Time, grace time.Duration) bool {
		id := documentOf(key)
		_, busy := s.inflight.Load(id)
		return busy || pending[id] || now.Sub(at) < grace
	}
	for _, prefix := range sweptPrefixes {
		err := s.Objects.List(ctx, prefix, func(o models.ObjectInfo) error {
			if known[documentOf(o.Key)] || spare(o.Key, o.LastModified, grace) || s.held() {
				return nil
			}
			if err := s.Objects.Remove(ctx, o.Key); err != nil {
				return err
			}
			res.OrphanObjects++
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	// Any incomplete upload is a leftover, whether or not its document has
	// a record: a record's object is always complete. Listed without a
	// prefix: MinIO lists multipart uploads only for an exact key or for
	// the whole bucket (minio/minio#20989), versitygw for any prefix.
	err = s.Objects.IncompleteUploads(ctx, "", func(u models.IncompleteUpload) error {
		if documentOf(u.Key) == "" || spare(u.Key, u.Initiated, uploadGrace) {
			return nil
		}
		if err := s.Objects.AbortUpload(ctx, u.Key, u.UploadID); err != nil {
			return err
		}
		res.IncompleteUploads++
		return nil
	})
	if err != nil {
		return res, err
	}
	if res.any() && s.OnSweep != nil {
		s.OnSweep(res)
	}
	if res.any() {
		s.Logger.Info("sweep", "expired_uploads", res.ExpiredUploads, "orphan_objects", res.OrphanObjects,
			"incomplete_uploads", res.IncompleteUploads, "stale_claims", res.StaleClaims, "finished_purges", res.FinishedPurges,
			"repaired_events", res.RepairedEvents, "backfilled_claims", res.BackfilledClaims, "settled_events", res.SettledEvents)
	}
	return res, nil
}

// sweepUploads forgets expired direct uploads (their objects go with the
// orphans) and returns the documents of the pending ones.
func (s *Service) sweepUploads(ctx context.Context, now time.Time, res *SweepResult) (map[string]bool, error) {
	uploads, err := s.Records.Uploads(ctx)
	if err != nil {
		return nil, err
	}
	pending := map[string]bool{}
	for _, u := range uploads {
		if !now.After(u.ExpiresAt.Add(uploadGrace)) {
			pending[u.DocumentID] = true
			continue
		}
		if err := s.cleanUp(ctx, u.DocumentID, leftovers{}); err != nil {
			return nil, err
		}
		if err := s.Records.DeleteUpload(ctx, u.ID); err != nil {
			return nil, err
		}
		res.ExpiredUploads++
	}
	return pending, nil
}

// sweepRecords finishes interrupted purges, writes the ingest event of
// records whose ingest stopped between record and event, and settles the
// events that records still carry as pending. It returns the documents
// that exist.
func (s *Service) sweepRecords(ctx context.Context, res *SweepResult) (map[string]bool, error) {
	docs, err := s.Records.All(ctx)
	if err != nil {
		return nil, err
	}
	purged, err := s.Records.EventDocuments(ctx, models.EventPurged)
	if err != nil {
		return nil, err
	}
	ingested, err := s.Records.EventDocuments(ctx, models.EventIngested)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(docs))
	for _, d := range docs {
		if purged[d.ID] {
			if err := s.Records.FinishPurge(ctx, d.ID); err != nil {
				return nil, err
			}
			res.FinishedPurges++
			continue // its objects are orphans now
		}
		known[d.ID] = true
		if !ingested[d.ID] {
			if err := s.Records.AppendEvent(ctx, ingestedEvent(d)); err != nil {
				return nil, err
			}
			res.RepairedEvents++
		}
		if d.PendingEvent != nil {
			if err := s.Records.SettleEvent(ctx, *d.PendingEvent); err != nil {
				return nil, err
			}
			res.SettledEvents++
		}
	}
	// Records the claims know nothing of (stored before claims existed).
	claims, err := s.Records.Claims(ctx)
	if err != nil {
		return nil, err
	}
	claimed := make(map[string]bool, len(claims))
	for _, c := range claims {
		claimed[c.SHA256] = true
	}
	for _, d := range docs {
		if !known[d.ID] || claimed[d.File.SHA256] || d.File.SHA256 == "" || d.Status != models.DocumentActive {
			continue
		}
		if _, won, err := s.Records.Claim(ctx, d.File.SHA256, d.ID, d.CreatedAt); err != nil {
			return nil, err
		} else if won {
			res.BackfilledClaims++
		}
		claimed[d.File.SHA256] = true
	}
	return known, nil
}

// sweepClaims releases claims whose document has no record, once they are
// older than grace and not being ingested here.
func (s *Service) sweepClaims(ctx context.Context, now time.Time, grace time.Duration, known map[string]bool, res *SweepResult) error {
	claims, err := s.Records.Claims(ctx)
	if err != nil {
		return err
	}
	for _, c := range claims {
		if _, busy := s.inflight.Load(c.DocumentID); known[c.DocumentID] || busy || now.Sub(c.ClaimedAt) < grace {
			continue
		}
		if err := s.Records.ReleaseClaim(ctx, c.SHA256, c.DocumentID); err != nil {
			return err
		}
		res.StaleClaims++
	}
	return nil
}

// SweepEvery sweeps at once, then every interval, until ctx ends.
//
// exclusive says the object store is this process's alone: the embedded
// one, which the data directory's lock keeps to one process. Then no
// incomplete multipart upload found at start can be another process's
// upload in progress, only what a kill -9 (or a crash) cut off, with up
// to 16 MiB per part written: the first sweep that succeeds aborts every
// one not being ingested here, whatever its age. On a shared store the
// grace applies to them as to everything else.
func (s *Service) SweepEvery(ctx context.Context, every, grace time.Duration, exclusive bool) {
	atStart := exclusive
	loop.Every(ctx, every, func(ctx context.Context) error {
		uploadGrace := grace
		if atStart {
			uploadGrace = 0
		}
		_, err := s.sweep(ctx, grace, uploadGrace)
		atStart = atStart && err != nil
		return err
	}, s.Logger, loop.Name("sweep"), loop.Immediately(), loop.Jitter(0.1))
}
