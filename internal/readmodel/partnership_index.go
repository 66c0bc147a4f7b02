package readmodel

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
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
	src     SummarySource
	changes *OwnCounter

	mu   sync.Mutex
	have bool
	byID map[string]*models.PartnershipSummary
	// sorted is byID in page order, made at the first read after a change.
	sorted []*models.PartnershipSummary
	// loading is closed when the load in progress ends (nil: none);
	// loadErr is its outcome; written marks a hooked write during it.
	loading chan struct{}
	loadErr error
	written bool
}

// SummarySource reads partnership summaries from the database
// (storage.PartnershipSummaries): the one with id, or every one when id
// is "". Errors: models.ErrUnavailable.
type SummarySource interface {
	Summaries(ctx context.Context, id string) ([]*models.PartnershipSummary, error)
}

// NewPartnershipIndex returns the index over src, following the shared
// "partnerships" counter; it loads at its first use.
func NewPartnershipIndex(src SummarySource, counter Counter) *PartnershipIndex {
	return &PartnershipIndex{src: src, changes: NewOwnCounter(counter)}
}

// Changed is the change hook: a partnership written here is re-read (or
// dropped when deleted) and the counter bumped.
func (x *PartnershipIndex) Changed(ctx context.Context, c models.Change) {
	if c.Resource != models.ResourcePartnership {
		return
	}
	defer x.changes.Bump(ctx)
	rows, err := x.src.Summaries(ctx, c.ID)
	x.mu.Lock()
	defer x.mu.Unlock()
	x.sorted = nil
	if x.loading != nil {
		x.written = true // the load may have read before this write
	}
	switch {
	case err != nil:
		x.have = false // read everything at the next use
	case len(rows) == 0:
		delete(x.byID, c.ID)
	case x.byID != nil:
		x.byID[c.ID] = rows[0]
	}
}

// fresh makes sure the index is loaded and current. A load runs in the
// background, detached from the request (reading 5,000 partnerships
// can outlast a request's deadline on a loaded machine): a request
// that times out waiting is a 503, and the load completes for the next.
func (x *PartnershipIndex) fresh(ctx context.Context) error {
	x.changes.Retry(ctx)
	foreign, err := x.changes.Foreign(ctx)
	if err != nil {
		return err
	}
	x.mu.Lock()
	if foreign {
		x.have = false
	}
	if x.have {
		x.mu.Unlock()
		return nil
	}
	done := x.loading
	if done == nil {
		done = make(chan struct{})
		x.loading, x.written = done, false
		go x.load(context.WithoutCancel(ctx), done)
	}
	x.mu.Unlock()
	select {
	case <-done:
		x.mu.Lock()
		defer x.mu.Unlock()
		return x.loadErr
	case <-ctx.Done():
		return fmt.Errorf("%w: the partnership index is still loading", models.ErrUnavailable)
	}
}

// load reads the counter, then every partnership's summary.
func (x *PartnershipIndex) load(ctx context.Context, done chan struct{}) {
	defer close(done)
	ctx, cancel := context.WithTimeout(ctx, partnershipLoadTimeout)
	defer cancel()
	seq, err := x.changes.Current(ctx)
	var rows []*models.PartnershipSummary
	if err == nil {
		rows, err = x.src.Summaries(ctx, "")
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.loading, x.loadErr = nil, err
	if err != nil {
		return
	}
	x.sorted = nil
	x.byID = make(map[string]*models.PartnershipSummary, len(rows))
	for _, r := range rows {
		x.byID[r.ID] = r
	}
	// A write hooked during the load may be missing: load again next time.
	x.have = !x.written
	x.changes.Loaded(seq)
}

// partnershipLoadTimeout bounds a background load.
const partnershipLoadTimeout = 5 * time.Minute

// Summaries returns every partnership in page order (sort, then name),
// sorted once per change. The slice and summaries are shared: read them.
func (x *PartnershipIndex) Summaries(ctx context.Context) ([]*models.PartnershipSummary, error) {
	if err := x.fresh(ctx); err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sorted == nil {
		x.sorted = make([]*models.PartnershipSummary, 0, len(x.byID))
		for _, s := range x.byID {
			x.sorted = append(x.sorted, s)
		}
		slices.SortFunc(x.sorted, func(a, b *models.PartnershipSummary) int {
			return cmp.Or(cmp.Compare(a.Sort, b.Sort), strings.Compare(a.NameKey, b.NameKey), strings.Compare(a.ID, b.ID))
		})
	}
	return x.sorted, nil
}

// Documents returns the ids of documents recording an agreement signed in
// [from, to] (0: open).
func (x *PartnershipIndex) Documents(ctx context.Context, from, to int) ([]string, error) {
	if err := x.fresh(ctx); err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
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
