package ingest

import (
	"context"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// SweepResult counts what a sweep removed.
type SweepResult struct {
	ExpiredUploads int `json:"expired_uploads"`
	OrphanObjects  int `json:"orphan_objects"`
}

// Sweep removes expired direct uploads with their objects, and objects
// that no record names (left by a crash between storing the bytes and
// writing the record). Objects younger than grace are left alone: another
// instance may be ingesting them right now.
func (s *Service) Sweep(ctx context.Context, grace time.Duration) (SweepResult, error) {
	var res SweepResult
	now := time.Now()
	uploads, err := s.Records.Uploads(ctx)
	if err != nil {
		return res, err
	}
	pending := map[string]bool{}
	for _, u := range uploads {
		if now.After(u.ExpiresAt.Add(uploadGrace)) {
			s.discard(ctx, u.DocumentID)
			if err := s.Records.DeleteUpload(ctx, u.ID); err != nil {
				return res, err
			}
			res.ExpiredUploads++
			continue
		}
		pending[u.DocumentID] = true
	}
	docs, err := s.Records.All(ctx)
	if err != nil {
		return res, err
	}
	known := make(map[string]bool, len(docs))
	for _, d := range docs {
		known[d.ID] = true
	}
	for _, prefix := range []string{"originals/", "renditions/"} {
		err := s.Objects.List(ctx, prefix, func(o models.ObjectInfo) error {
			id, _, _ := strings.Cut(strings.TrimPrefix(o.Key, prefix), "/")
			_, busy := s.inflight.Load(id)
			if known[id] || pending[id] || busy || now.Sub(o.LastModified) < grace {
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
	if res.ExpiredUploads+res.OrphanObjects > 0 {
		s.Logger.Info("sweep", "expired_uploads", res.ExpiredUploads, "orphan_objects", res.OrphanObjects)
	}
	return res, nil
}

// SweepEvery sweeps until ctx ends.
func (s *Service) SweepEvery(ctx context.Context, every, grace time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx, grace); err != nil && ctx.Err() == nil {
			s.Logger.Warn("sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
