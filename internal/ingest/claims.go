package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
)

// ClaimStale is how long a checksum claim whose document has no record
// may block uploads of the same bytes. A claim is taken after the bytes
// are stored and hashed, so only renditions and two writes separate it
// from the record: a claim this old with no record was left by a crash.
const ClaimStale = models.ClaimStale

// claim reserves sum for document id, or reports the document that holds
// it as a *DuplicateError: exactly one of several uploads of the same
// bytes, on this instance or another sharing the database, gets through.
func (s *Service) claim(ctx context.Context, id, sum string, now time.Time) error {
	for range 3 { // a claim can change hands between two reads; then look again
		held, won, err := s.Records.Claim(ctx, sum, id, now)
		if err != nil || won {
			return err
		}
		if held.DocumentID == "" {
			continue
		}
		holder, err := s.Records.Get(ctx, held.DocumentID)
		switch {
		case err == nil && holder.Status == models.DocumentActive:
			return &DuplicateError{ExistingID: held.DocumentID}
		case err == nil:
			// A withdrawn holder: a restore in progress (it claims first)
			// while the claim is young, else a claim kept from before
			// withdrawing released claims: checksums are unique among
			// active documents only.
			if now.Sub(held.ClaimedAt) < ClaimStale {
				return &DuplicateError{ExistingID: held.DocumentID}
			}
		case !errors.Is(err, models.ErrNotFound):
			return err
		default:
			// No record (yet): the holder is being ingested right now,
			// unless its claim is stale, or its ingest failed here and
			// the release waits in the clean-up queue (the store was
			// down): a retry of the same bytes, as bulk ingest makes
			// after a 503, must not be refused by its own first try.
			_, busy := s.inflight.Load(held.DocumentID)
			if busy || now.Sub(held.ClaimedAt) < ClaimStale && !s.cleanup.has(held.DocumentID) {
				return &DuplicateError{ExistingID: held.DocumentID}
			}
		}
		if ok, err := s.Records.TakeOverClaim(ctx, held, id, now); err != nil || ok {
			if ok {
				s.Logger.Info("stale checksum claim taken over", "sha256", sum, "from", held.DocumentID, "to", id)
			}
			return err
		}
	}
	return fmt.Errorf("%w: the checksum claim is contended; try again", models.ErrUnavailable)
}
