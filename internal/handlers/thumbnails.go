package handlers

import (
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// maxThumbnailBytes bounds what a thumbnail endpoint reads into memory
// (thumbnails are PNGs of at most 256 px, a few tens of KiB).
const maxThumbnailBytes = 4 << 20

// thumbnailCache: a document's thumbnail, once made, never changes (it is
// made once from an original that never changes), so editors' browsers
// keep it a day and then revalidate it by its ETag.
const thumbnailCache = "private, max-age=86400"

// picture is the stored picture a document's thumbnail endpoint serves.
type picture struct {
	key, contentType, etag string
}

// pictureOf picks d's picture: its thumbnail (a PDF's first page, a
// scaled image), or for a crest its largest PNG rendition. Without one
// the error says why, so the UI keeps its type icon.
func pictureOf(d *models.Document) (picture, error) {
	if t := d.Thumbnail; t != nil && t.Status == models.ThumbnailDone && t.Key != "" {
		return picture{key: t.Key, contentType: "image/png", etag: `"thumbnail-` + t.SHA256[:min(len(t.SHA256), 32)] + `"`}, nil
	}
	var best *models.Rendition
	for i, r := range d.Renditions {
		if r.ContentType == "image/png" && (best == nil || r.Width*r.Height > best.Width*best.Height) {
			best = &d.Renditions[i]
		}
	}
	if best != nil {
		return picture{key: best.Key, contentType: best.ContentType, etag: fmt.Sprintf(`"rendition-%s-%s-%d"`, d.ID, best.Name, best.Size)}, nil
	}
	why := "its type has no picture"
	switch t := d.Thumbnail; {
	case t != nil && t.Status == models.ThumbnailFailed:
		why = "its thumbnail could not be made: " + t.Error
	case t != nil && t.Status == models.ThumbnailNone:
		why = "its file gives no picture"
	case d.File.ContentType == models.TypePDF:
		why = "its first page is not rendered (yet): PDF thumbnails need poppler's pdftoppm on the server"
	case d.File.ContentType == models.TypePNG || d.File.ContentType == models.TypeJPEG || d.File.ContentType == models.TypeWebP:
		why = "its thumbnail is not made yet"
	}
	return picture{}, fmt.Errorf("%w: document %s has no thumbnail (%s)", models.ErrNotFound, d.ID, why)
}

// sendPicture answers d's picture with caching headers, or 304 when the
// client holds it.
func (a *API) sendPicture(c *fiber.Ctx, d *models.Document, cache string) error {
	p, err := pictureOf(d)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, p.etag)
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set("X-Content-Type-Options", "nosniff")
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && (inm == "*" || strings.Contains(inm, p.etag)) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	rc, _, err := a.d.Originals.GetRange(c.UserContext(), p.key, 0, -1)
	if err != nil {
		return err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxThumbnailBytes+1))
	if err != nil {
		return models.Hide(models.ErrUnavailable, "the thumbnail could not be read", err)
	}
	if len(b) > maxThumbnailBytes {
		return fmt.Errorf("%w: document %s has no thumbnail (it is too large)", models.ErrNotFound, d.ID)
	}
	c.Set(fiber.HeaderContentType, p.contentType)
	return c.Send(b)
}

// documentThumbnail: GET /documents/{id}/thumbnail, for the media
// library and the pickers.
func (a *API) documentThumbnail(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.sendPicture(c, d, thumbnailCache)
}

// publicDocumentThumbnail: GET /public/documents/{id}/thumbnail, only for
// a document published content shows.
func (a *API) publicDocumentThumbnail(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, ok := a.d.PublishedDocument.PublishedDocument(id)
	if !ok {
		return fmt.Errorf("%w: no published document %s", models.ErrNotFound, id)
	}
	return a.sendPicture(c, d, string(a.publicCache))
}
