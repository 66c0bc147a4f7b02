package fulltext

import (
	"context"
	"errors"
	"time"

	"github.com/jesenice/twincms/models"
)

// Getter reads document records by id (storage.Documents).
type Getter interface {
	GetMany(ctx context.Context, ids []string) ([]*models.Document, error)
}

// Service answers full-text document searches with the current records.
type Service struct {
	Index *Index
	Docs  Getter
	// Sync, when set, is waited for (up to FreshWait) so that a search
	// sees this instance's own writes.
	Sync *Sync
}

// FreshWait bounds how long a search waits for the index to take in this
// instance's latest writes.
const FreshWait = 2 * time.Second

// Find runs q's text and filters through the index and returns the page's
// records, best first, each with its snippet. ok is false while the
// index has not caught up once since the start (the caller then answers
// from the metadata search). only, when not nil, restricts the search to
// those documents (the published ones).
func (s *Service) Find(ctx context.Context, q models.DocumentQuery, only []string) (_ models.List[*models.DocumentMatch], ok bool, _ error) {
	if s.Sync != nil {
		s.Sync.WaitFresh(ctx, FreshWait)
	}
	res, err := s.Index.Search(ctx, Query{Text: q.Q, Kind: string(q.Kind), Status: string(q.Status), Partnership: q.Partnership,
		SHA256: q.SHA256, PUID: q.PUID, YearFrom: q.YearFrom, YearTo: q.YearTo, AlsoIDs: q.AlsoIDs, OnlyIDs: only,
		Page: q.Page, PerPage: q.PerPage})
	if errors.Is(err, errNotReady) {
		return models.List[*models.DocumentMatch]{}, false, nil
	}
	if err != nil {
		return models.List[*models.DocumentMatch]{}, true, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	docs, err := s.Docs.GetMany(ctx, ids)
	if err != nil {
		return models.List[*models.DocumentMatch]{}, true, err
	}
	byID := make(map[string]*models.Document, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	items := make([]*models.DocumentMatch, 0, len(res.Hits))
	for _, h := range res.Hits {
		// A record purged since the index last synced is left out.
		if d := byID[h.ID]; d != nil {
			items = append(items, &models.DocumentMatch{Document: d,
				Search: &models.SearchHit{Score: h.Score, Snippet: h.Snippet, Terms: nonNil(h.Terms)}})
		}
	}
	return models.List[*models.DocumentMatch]{Items: items, Total: res.Total, Page: q.Page, PerPage: q.PerPage}, true, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
