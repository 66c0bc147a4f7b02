package storage

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/jesenice/twincms/models"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// PartnershipIndex keeps what the archive needs of every partnership (id,
// slug, name, status, order, agreement years and documents) in memory, so
// that the archive's partnership list and year search do not read and
// decode every partnership per request (5.8 s at 5,000 partnerships on a
// loaded machine).
//
// Its change hook (Changed) re-reads the one partnership written and
// bumps the shared "partnerships" counter, on the writing instance before
// the write is answered; every read checks that tiny counter and reloads
// when another instance wrote. So it is exact on every instance, at the
// price of one counter read per request.
type PartnershipIndex struct {
	db      *DB
	changes *ownCounter

	mu   sync.Mutex
	have bool
	byID map[string]*models.PartnershipSummary
}

// NewPartnershipIndex returns the index over the partnerships collection;
// it loads at its first use.
func NewPartnershipIndex(db *DB) *PartnershipIndex {
	return &PartnershipIndex{db: db, changes: newOwnCounter(db, "partnerships")}
}

var summaryFields = options.Find().SetProjection(bson.D{{Key: "slug", Value: 1}, {Key: "status", Value: 1}, {Key: "sort", Value: 1},
	{Key: "name_key", Value: 1}, {Key: "partner.name", Value: 1}, {Key: "agreements.document_id", Value: 1}, {Key: "agreements.year", Value: 1}}).
	SetBatchSize(loadBatch)

// Changed is the change hook: a partnership written here is re-read (or
// dropped when deleted) and the counter bumped.
func (x *PartnershipIndex) Changed(ctx context.Context, c models.Change) {
	if c.Resource != models.ResourcePartnership {
		return
	}
	defer x.changes.bump(ctx)
	rows, err := x.find(ctx, bson.D{{Key: "_id", Value: c.ID}})
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case err != nil:
		x.have = false // read everything at the next use
	case len(rows) == 0:
		delete(x.byID, c.ID)
	case x.byID != nil:
		x.byID[c.ID] = rows[0]
	}
}

func (x *PartnershipIndex) find(ctx context.Context, filter bson.D) ([]*models.PartnershipSummary, error) {
	cur, err := x.db.collection("partnerships").Find(ctx, filter, summaryFields)
	if err != nil {
		return nil, translateDB(err)
	}
	rows := []*models.PartnershipSummary{}
	return rows, translateDB(cur.All(ctx, &rows))
}

// fresh reloads when another instance wrote or a re-read failed; call
// with mu held.
func (x *PartnershipIndex) fresh(ctx context.Context) error {
	x.changes.retry(ctx)
	foreign, err := x.changes.foreign(ctx)
	if err != nil {
		return err
	}
	if x.have && !foreign {
		return nil
	}
	seq, err := x.changes.Current(ctx)
	if err != nil {
		return err
	}
	rows, err := x.find(ctx, bson.D{})
	if err != nil {
		return err
	}
	x.byID = make(map[string]*models.PartnershipSummary, len(rows))
	for _, r := range rows {
		x.byID[r.ID] = r
	}
	x.have = true
	x.changes.loaded(seq)
	return nil
}

// Summaries returns every partnership in page order (sort, then name).
func (x *PartnershipIndex) Summaries(ctx context.Context) ([]*models.PartnershipSummary, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.fresh(ctx); err != nil {
		return nil, err
	}
	out := make([]*models.PartnershipSummary, 0, len(x.byID))
	for _, s := range x.byID {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *models.PartnershipSummary) int {
		return cmp.Or(cmp.Compare(a.Sort, b.Sort), strings.Compare(a.NameKey, b.NameKey), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Documents returns the ids of documents recording an agreement signed in
// [from, to] (0: open).
func (x *PartnershipIndex) Documents(ctx context.Context, from, to int) ([]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.fresh(ctx); err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range x.byID {
		for _, ag := range p.Agreements {
			if ag.DocumentID != "" && (from == 0 || ag.Year >= from) && (to == 0 || ag.Year <= to) {
				ids = append(ids, ag.DocumentID)
			}
		}
	}
	return ids, nil
}
