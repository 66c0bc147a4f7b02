package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/models"
)

// FullTextSearch finds documents by the words of their descriptions and
// extracted text (package fulltext). ok is false while the index has not
// caught up since the start. only, when not nil, restricts the search.
type FullTextSearch interface {
	Find(ctx context.Context, q models.DocumentQuery, only []string) (list models.List[*models.DocumentMatch], ok bool, err error)
}

// PublicDocuments are the documents the public may find, rendered as the
// website shows them (package publish).
type PublicDocuments interface {
	PublicDocumentIDs() []string
	PublicDocuments(ids []string, v models.PublicView) []publish.PublicDocument
}

// publicDocumentHit is one result of the public document search.
type publicDocumentHit struct {
	publish.PublicDocument
	Search *models.SearchHit `json:"search,omitempty"`
}

// searchDocuments answers a document list with q from the full-text
// index; handled is false when there is no index or it is not ready yet
// (the metadata search answers then).
func (a *API) searchDocuments(c *fiber.Ctx, q models.DocumentQuery) (handled bool, err error) {
	if q.Q == "" || a.d.FullText == nil {
		return false, nil
	}
	list, ok, err := a.d.FullText.Find(c.UserContext(), q, nil)
	if err != nil || !ok {
		return ok, err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return true, c.JSON(list)
}

// publicDocumentQuery reads the public search's parameters: the words,
// kind, year range and paging (no status, checksum or partnership id:
// only published, active documents are searched).
func publicDocumentQuery(c *fiber.Ctx) (models.DocumentQuery, error) {
	return parseDocumentQuery(func(key string, def ...string) string {
		switch key {
		case "q", "kind", "year_from", "year_to", "page", "per_page":
			return c.Query(key, def...)
		}
		return ""
	})
}

// publicSearch: GET /public/documents — published, active documents found
// by their words (all must match), best first, each with a snippet; a
// withdrawn or unpublished document is never found.
func (a *API) publicSearch(c *fiber.Ctx) error {
	v, err := a.publicView(c)
	if err != nil {
		return err
	}
	q, err := publicDocumentQuery(c)
	if err != nil {
		return err
	}
	q.Status = models.DocumentActive
	list, ok, err := a.d.FullText.Find(c.UserContext(), q, a.d.PublicDocuments.PublicDocumentIDs())
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: the search index is being built", models.ErrUnavailable)
	}
	ids := make([]string, len(list.Items))
	hits := make(map[string]*models.SearchHit, len(list.Items))
	for i, m := range list.Items {
		ids[i], hits[m.ID] = m.ID, m.Search
	}
	docs := a.d.PublicDocuments.PublicDocuments(ids, v)
	items := make([]publicDocumentHit, len(docs))
	for i, d := range docs {
		items[i] = publicDocumentHit{PublicDocument: d, Search: hits[d.ID]}
	}
	body, err := json.Marshal(models.List[publicDocumentHit]{Items: items, Total: list.Total, Page: list.Page, PerPage: list.PerPage})
	if err != nil {
		return err
	}
	// Validators like every public body: the ETag names these bytes.
	sum := sha256.Sum256(body)
	at := time.Now().UTC().Truncate(time.Second)
	return a.sendPublic(c, v, &models.Rendered{Body: body, ETag: `"` + hex.EncodeToString(sum[:16]) + `"`,
		LastModified: at, LastModifiedHTTP: at.Format(http.TimeFormat)}, nil)
}
