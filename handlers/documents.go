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
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// DocumentStore keeps document records and their events. Errors:
// models.ErrNotFound, ErrStale, ErrUnavailable.
type DocumentStore interface {
	Get(ctx context.Context, id string) (*models.Document, error)
	List(ctx context.Context, q models.DocumentQuery) (models.List[*models.Document], error)
	All(ctx context.Context) ([]*models.Document, error)
	Replace(ctx context.Context, doc *models.Document, expected int64, ev models.Event) (*models.Document, error)
	Delete(ctx context.Context, id string, ev models.Event) error
	Events(ctx context.Context, id string) ([]models.Event, error)
}

// Ingester brings files in (see package ingest).
type Ingester interface {
	Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput, actor string) (*models.Document, error)
	StartUpload(ctx context.Context, req models.UploadRequest, actor string) (*models.UploadTicket, error)
	CompleteUpload(ctx context.Context, id, actor string) (*models.Document, error)
	RemoveObjects(ctx context.Context, id string)
}

// Presigner signs GET links to objects.
type Presigner interface {
	PresignGet(ctx context.Context, key string, ttl time.Duration, params url.Values) (*url.URL, error)
}

// documentChanged tells the published snapshot of a document write (until
// the document lifecycle calls the change hook itself).
func (a *API) documentChanged(c *fiber.Ctx, id string) {
	a.d.Published.Changed(c.UserContext(), models.Change{Resource: models.ResourceDocument, ID: id})
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
	in, err := a.documentInput(c.UserContext(), raw, nil)
	if err != nil {
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
	doc, err := a.d.Ingest.Ingest(c.UserContext(), models.IncomingFile{Body: &fileBody{part: file, mr: mr, body: body}, DeclaredType: declared, Filename: name}, in, actor(c))
	if err != nil {
		if errors.Is(err, models.ErrTooLarge) {
			c.Context().SetConnectionClose() // the rest of the body is still coming
		}
		return err
	}
	a.documentChanged(c, doc.ID)
	c.Location(c.Path() + "/" + doc.ID)
	return a.respondDocument(c, fiber.StatusCreated, doc)
}

// documentInput decodes and validates document metadata; base, when set,
// is the current description a merge patch applies to.
func (a *API) documentInput(ctx context.Context, raw []byte, base *models.DocumentInput) (models.DocumentInput, error) {
	in, err := decodeDocumentInput(raw, base, a.d.Locales)
	if err != nil {
		return in, err
	}
	return in, a.checkPartnerships(ctx, in.PartnershipIDs)
}

// decodeDocumentInput is documentInput without the reference check: the
// parser of untrusted metadata (fuzzed in FuzzDocumentMetadata).
func decodeDocumentInput(raw []byte, base *models.DocumentInput, l models.Locales) (models.DocumentInput, error) {
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
	if err := strictDecode(raw, &in); err != nil {
		return in, err
	}
	return in, in.Validate(l)
}

// checkPartnerships refuses references to partnerships that do not exist.
func (a *API) checkPartnerships(ctx context.Context, ids []string) error {
	var p models.Problems
	for i, id := range ids {
		if _, err := a.d.Partnerships.Get(ctx, id); errors.Is(err, models.ErrNotFound) {
			p.Add(fieldIndex("partnership_ids", i), "no partnership %s", id)
		} else if err != nil {
			return err
		}
	}
	return p.Err(models.ErrInvalid)
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
	d, err := a.d.Documents.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if d.Version != expected {
		return fmt.Errorf("%w: you edited version %d, the current one is %d", models.ErrStale, expected, d.Version)
	}
	cur := d.Input()
	in, err := a.documentInput(c.UserContext(), raw, &cur)
	if err != nil {
		return err
	}
	if in.Kind != cur.Kind && (in.Kind == models.KindCrest) != (cur.Kind == models.KindCrest) {
		var p models.Problems
		p.Add("kind", "cannot change to or from crest after upload (renditions depend on it)")
		return p.Err(models.ErrInvalid)
	}
	changed := models.ChangedFields(cur, in)
	if len(changed) == 0 {
		return a.respondDocument(c, fiber.StatusOK, d)
	}
	d.Apply(in)
	saved, err := a.d.Documents.Replace(c.UserContext(), d, expected, a.event(c, id, models.EventMetadataChanged, "changed: "+strings.Join(changed, ", ")))
	if err != nil {
		return err
	}
	a.documentChanged(c, saved.ID)
	return a.respondDocument(c, fiber.StatusOK, saved)
}

func (a *API) event(c *fiber.Ctx, id string, t models.EventType, detail string) models.Event {
	return models.Event{DocumentID: id, Type: t, At: time.Now().UTC().Truncate(time.Millisecond), Actor: actor(c), Detail: detail}
}

// setDocumentStatus returns the withdraw (DELETE) or restore handler.
func (a *API) setDocumentStatus(to models.DocumentStatus, ev models.EventType) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, expected, err := idAndVersion(c)
		if err != nil {
			return err
		}
		d, err := a.d.Documents.Get(c.UserContext(), id)
		if err != nil {
			return err
		}
		if d.Version != expected {
			// The precondition comes first (RFC 9110 §13.2.2): a stale
			// tag is 412 whatever the document's state.
			return fmt.Errorf("%w: document %s was changed by someone else", models.ErrStale, id)
		}
		if d.Status == to {
			return fmt.Errorf("%w: the document is already %s", models.ErrConflict, to)
		}
		d.Status = to
		saved, err := a.d.Documents.Replace(c.UserContext(), d, expected, a.event(c, id, ev, ""))
		if err != nil {
			return err
		}
		a.documentChanged(c, saved.ID)
		return a.respondDocument(c, fiber.StatusOK, saved)
	}
}

// purgeDocument removes a document and its objects for good (admin). Its
// events stay, recording that it existed and who removed it.
func (a *API) purgeDocument(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	ev := a.event(c, d.ID, models.EventPurged, fmt.Sprintf("sha256 %s, %q", d.File.SHA256, d.File.OriginalFilename))
	err = a.d.Documents.Delete(c.UserContext(), d.ID, ev)
	if errors.Is(err, models.ErrInsufficientStorage) {
		// A full disk: purging is how an admin frees space, so the objects
		// go first, making room to remove the record and write its event.
		a.d.Ingest.RemoveObjects(c.UserContext(), d.ID)
		err = a.d.Documents.Delete(c.UserContext(), d.ID, ev)
	}
	if err != nil {
		return err
	}
	a.d.Ingest.RemoveObjects(c.UserContext(), d.ID)
	a.documentChanged(c, d.ID)
	return c.SendStatus(fiber.StatusNoContent)
}

// downloadDocument redirects to a fresh presigned GET that downloads under
// the original name.
func (a *API) downloadDocument(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
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
