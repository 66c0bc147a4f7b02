package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// DocumentStore reads document records and their events. Errors:
// models.ErrNotFound, ErrUnavailable.
type DocumentStore interface {
	Get(ctx context.Context, id string) (*models.Document, error)
	List(ctx context.Context, q models.DocumentQuery) (models.List[*models.Document], error)
	All(ctx context.Context) ([]*models.Document, error)
	Events(ctx context.Context, id string) ([]models.Event, error)
}

// Ingester brings files in and carries documents through their lifecycle
// (see package ingest); every write it makes passes the change hook.
type Ingester interface {
	CheckInput(ctx context.Context, in models.DocumentInput) error
	Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput) (*models.Document, error)
	StartUpload(ctx context.Context, req models.UploadRequest) (*models.UploadTicket, error)
	CompleteUpload(ctx context.Context, id string) (*models.Document, error)
	Describe(ctx context.Context, id string, expected int64, patch func(models.DocumentInput) (models.DocumentInput, error)) (*models.Document, error)
	Withdraw(ctx context.Context, id string, expected int64) (*models.Document, error)
	Restore(ctx context.Context, id string, expected int64) (*models.Document, error)
	Purge(ctx context.Context, id string) error
}

// Presigner signs GET links to objects.
type Presigner interface {
	PresignGet(ctx context.Context, key string, ttl time.Duration, params url.Values) (*url.URL, error)
}

// document reads :id and returns that document.
func (a *API) document(c *fiber.Ctx) (*models.Document, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return a.d.Documents.Get(c.UserContext(), id)
}

func (a *API) respondDocument(c *fiber.Ctx, status int, d *models.Document) error {
	c.Set(fiber.HeaderETag, etagOf(d.Version))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(status).JSON(d)
}

// uploadDocument: POST /documents, multipart with a metadata part then a
// file part. The file part is streamed to the object store, never held.
func (a *API) uploadDocument(c *fiber.Ctx) error {
	mt, params, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return fmt.Errorf("%w: send multipart/form-data with a metadata part and a file part", models.ErrUnsupportedType)
	}
	// c.Body() would read a streamed body whole: only call it for the
	// small bodies Fiber already holds.
	var body io.Reader
	if c.Request().IsBodyStream() {
		body = &countedBody{r: c.Request().BodyStream(), declared: int64(c.Request().Header.ContentLength())}
	} else {
		body = bytes.NewReader(c.Body())
	}
	mr := multipart.NewReader(body, params["boundary"])
	meta, err := mr.NextPart()
	if err != nil || meta.FormName() != "metadata" {
		return fmt.Errorf("%w: the first part must be \"metadata\" (JSON)", models.ErrMalformed)
	}
	raw, err := io.ReadAll(io.LimitReader(meta, a.d.MaxJSONBytes+1))
	if err != nil || int64(len(raw)) > a.d.MaxJSONBytes {
		return fmt.Errorf("%w: the metadata part is unreadable or over %d bytes", models.ErrMalformed, a.d.MaxJSONBytes)
	}
	in, err := decodeDocumentInput(raw, nil)
	if models.PartlyDecoded(err) {
		// Every error of the description at once: the rules speak of what fitted.
		return models.MergeProblems(err, a.d.Ingest.CheckInput(c.UserContext(), in))
	}
	if err != nil {
		return err
	}
	if err := a.d.Ingest.CheckInput(c.UserContext(), in); err != nil {
		return err
	}
	file, err := mr.NextPart()
	if err != nil || file.FormName() != "file" {
		return fmt.Errorf("%w: the second part must be \"file\"", models.ErrMalformed)
	}
	// Not file.FileName(): it strips directories, hiding a path trick.
	_, disp, _ := mime.ParseMediaType(file.Header.Get("Content-Disposition"))
	name := models.CleanFilename(disp["filename"])
	if name == "" {
		var p models.Problems
		p.Add("file.filename", "must be a plain file name without directories or control characters")
		return p.Err(models.ErrInvalid)
	}
	declared, _, _ := mime.ParseMediaType(file.Header.Get("Content-Type"))
	doc, err := a.d.Ingest.Ingest(c.UserContext(), models.IncomingFile{Body: &fileBody{part: file, mr: mr, body: body}, DeclaredType: declared, Filename: name}, in)
	if err != nil {
		if errors.Is(err, models.ErrTooLarge) || errors.Is(err, models.ErrInsufficientStorage) {
			dropRest(c) // the rest of the body is still coming
		}
		return err
	}
	c.Location(c.Path() + "/" + doc.ID)
	return a.respondDocument(c, fiber.StatusCreated, doc)
}

// decodeDocumentInput binds document metadata: one JSON object without
// server-owned or unknown fields; base, when set, is the current
// description a merge patch applies to. The rules of a description are
// the ingest service's (CheckInput). Fuzzed in FuzzDocumentMetadata.
func decodeDocumentInput(raw []byte, base *models.DocumentInput) (models.DocumentInput, error) {
	if _, err := parseJSONObject(raw, "metadata", models.ServerOwnedDocumentFields); err != nil {
		return models.DocumentInput{}, err
	}
	if base != nil {
		var cur, patch map[string]any
		b, _ := json.Marshal(base)
		_ = json.Unmarshal(b, &cur)
		_ = json.Unmarshal(raw, &patch)
		raw, _ = json.Marshal(mergePatch(cur, patch))
	}
	var in models.DocumentInput
	return in, strictDecode(raw, &in)
}

func (a *API) getDocument(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.respondDocument(c, fiber.StatusOK, d)
}

func (a *API) listDocuments(c *fiber.Ctx) error {
	q, err := parseDocumentQuery(c.Query)
	if err != nil {
		return err
	}
	if q.YearFrom > 0 || q.YearTo > 0 {
		if q.AlsoIDs, err = a.agreementDocuments(c.UserContext(), q.YearFrom, q.YearTo); err != nil {
			return err
		}
	}
	if handled, err := a.searchDocuments(c, q); handled || err != nil {
		return err
	}
	list, err := a.d.Documents.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(list)
}

// patchDocument changes the description (never the file), as a merge patch.
func (a *API) patchDocument(c *fiber.Ctx) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	if err := requireJSON(c, "application/merge-patch+json"); err != nil {
		return err
	}
	raw, err := readBody(c, a.d.MaxJSONBytes)
	if err != nil {
		return err
	}
	saved, err := a.d.Ingest.Describe(c.UserContext(), id, expected, func(cur models.DocumentInput) (models.DocumentInput, error) {
		in, err := decodeDocumentInput(raw, &cur)
		if models.PartlyDecoded(err) {
			err = models.MergeProblems(err, a.d.Ingest.CheckInput(c.UserContext(), in))
		}
		return in, err
	})
	if err != nil {
		return err
	}
	return a.respondDocument(c, fiber.StatusOK, saved)
}

// withdrawDocument: DELETE /documents/:id; the original is kept.
func (a *API) withdrawDocument(c *fiber.Ctx) error {
	return a.documentStatus(c, a.d.Ingest.Withdraw)
}

// restoreDocument: POST /documents/:id/restore.
func (a *API) restoreDocument(c *fiber.Ctx) error {
	return a.documentStatus(c, a.d.Ingest.Restore)
}

// documentStatus reads :id and If-Match for a withdraw or restore.
func (a *API) documentStatus(c *fiber.Ctx, set func(ctx context.Context, id string, expected int64) (*models.Document, error)) error {
	id, expected, err := idAndVersion(c)
	if err != nil {
		return err
	}
	saved, err := set(c.UserContext(), id, expected)
	if err != nil {
		return err
	}
	return a.respondDocument(c, fiber.StatusOK, saved)
}

// purgeDocument removes a document and its objects for good (admin).
func (a *API) purgeDocument(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := a.d.Ingest.Purge(c.UserContext(), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// downloadDocument redirects to a fresh presigned GET that downloads under
// the original name.
func (a *API) downloadDocument(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.redirectToOriginal(c, d)
}

// redirectToOriginal redirects to a fresh presigned GET of d's original
// under its download name; a withdrawn document has none (410).
func (a *API) redirectToOriginal(c *fiber.Ctx, d *models.Document) error {
	if d.Status == models.DocumentWithdrawn {
		return fmt.Errorf("%w: the document was withdrawn", models.ErrGone)
	}
	u, err := a.d.Presigner.PresignGet(c.UserContext(), d.File.Key, editorLinkTTL, models.DownloadParams(d))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(u.String(), fiber.StatusFound)
}

// editorLinkTTL is short: editors follow the redirect at once.
const editorLinkTTL = 5 * time.Minute
