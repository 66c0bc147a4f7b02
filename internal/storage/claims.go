package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// claimsCollection holds one document per stored SHA-256 (see
// models.Claim). FerretDB has neither transactions nor partial unique
// indexes, but it does enforce a unique _id: that is the lock.
const claimsCollection = "sha256_claims"

// Claim reserves sum for documentID. It returns the claim that holds sum
// afterwards: documentID's own when it won, another document's when sum
// was already claimed (won is then false), or none (the zero Claim) when
// the other claim was released between two reads: then try again.
func (d *Documents) Claim(ctx context.Context, sum, documentID string, at time.Time) (models.Claim, bool, error) {
	c := models.Claim{SHA256: sum, DocumentID: documentID, ClaimedAt: at}
	_, err := d.db.collection(claimsCollection).InsertOne(ctx, c)
	if err == nil {
		return c, true, nil
	}
	if err = translateDB(err); !errors.Is(err, models.ErrConflict) {
		return models.Claim{}, false, err
	}
	var held models.Claim
	err = d.db.collection(claimsCollection).FindOne(ctx, bson.D{{Key: "_id", Value: sum}}).Decode(&held)
	if errors.Is(translateDB(err), models.ErrNotFound) {
		// Released between our insert and this read: the caller may retry.
		return models.Claim{}, false, nil
	}
	return held, false, translateDB(err)
}

// TakeOverClaim moves a stale claim (one whose document never came to be)
// to documentID, if it still belongs to stale.DocumentID. It reports
// whether documentID holds the claim now.
func (d *Documents) TakeOverClaim(ctx context.Context, stale models.Claim, documentID string, at time.Time) (bool, error) {
	res, err := d.db.collection(claimsCollection).ReplaceOne(ctx,
		bson.D{{Key: "_id", Value: stale.SHA256}, {Key: "document_id", Value: stale.DocumentID}},
		models.Claim{SHA256: stale.SHA256, DocumentID: documentID, ClaimedAt: at})
	if err != nil {
		return false, translateDB(err)
	}
	return res.MatchedCount == 1, nil
}

// ReleaseClaim frees sum if documentID holds it (a failed ingest, a purge).
func (d *Documents) ReleaseClaim(ctx context.Context, sum, documentID string) error {
	_, err := d.db.collection(claimsCollection).DeleteOne(ctx, bson.D{{Key: "_id", Value: sum}, {Key: "document_id", Value: documentID}})
	return translateDB(err)
}

// Claims returns every claim (for the sweeper).
func (d *Documents) Claims(ctx context.Context) ([]models.Claim, error) {
	cur, err := d.db.collection(claimsCollection).Find(ctx, bson.D{})
	if err != nil {
		return nil, translateDB(err)
	}
	out := []models.Claim{}
	return out, translateDB(cur.All(ctx, &out))
}

// reclaim takes the claim on a withdrawn document's bytes back before it
// is restored. A claim still held by a withdrawn document (kept from
// before withdrawing released claims) older than models.ClaimStale is
// taken over; one held by an active document, by one being ingested or
// by one being restored is a *models.DuplicateError.
func (d *Documents) reclaim(ctx context.Context, doc *models.Document) error {
	for range 3 { // a claim can change hands between two reads; then look again
		at := now()
		held, won, err := d.Claim(ctx, doc.File.SHA256, doc.ID, at)
		if err != nil || won {
			return err
		}
		if held.DocumentID == "" {
			continue
		}
		if held.DocumentID != doc.ID {
			status, err := d.statusAt(ctx, held.DocumentID, 0)
			if err != nil && !errors.Is(err, models.ErrNotFound) {
				return err
			}
			if status != models.DocumentWithdrawn || at.Sub(held.ClaimedAt) < models.ClaimStale {
				return &models.DuplicateError{ExistingID: held.DocumentID}
			}
		}
		// Our own old claim, or a withdrawn document's old one: made
		// fresh, so that for ClaimStale no upload takes it over on the
		// strength of an index that still says "withdrawn".
		if ok, err := d.TakeOverClaim(ctx, held, doc.ID, at); err != nil || ok {
			return err
		}
	}
	return fmt.Errorf("%w: the checksum claim is contended; try again", models.ErrUnavailable)
}
