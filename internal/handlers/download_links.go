package handlers

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// DownloadLinks signs and checks the admin UI's download links (package
// downloadlink): the UI asks for a link with its credentials, then lets
// the browser's download manager fetch it to disk, so no page ever holds
// a whole file in memory.
type DownloadLinks interface {
	URL(base, kind, id, bind string, now time.Time) (link string, expires time.Time)
	Check(kind, id, bind, exp, sig string, now time.Time) error
}

// The kinds of download link (downloadlink.Document, Original, Bag).
const (
	linkDocument = "document"
	linkOriginal = "original"
	linkBag      = "bag"
)

// downloadLinkView is what a link request answers.
type downloadLinkView struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	Filename  string    `json:"filename"`
	Size      int64     `json:"size,omitempty"`
	SHA256    string    `json:"sha256,omitempty"`
}

// downloadLinkRules is what the OpenAPI document says of download links.
const downloadLinkRules = "The url (under this API's prefix, without host) needs no credentials: navigate to it (or give it to a download manager) " +
	"and the file arrives under filename, streamed. It works for a few minutes, for this one file only, and only while the file is what it was " +
	"(an original's SHA-256, a partnership's version); a changed or expired link is a 403 problem. Its signature is in the query string, which is never logged"

// bindOriginal is what a document link is bound to: the original's bytes.
func bindOriginal(d *models.Document) string { return d.File.SHA256 }

// bindBag is what a bag link is bound to: the partnership's version.
func bindBag(p *models.Partnership) string { return strconv.FormatInt(p.Version, 10) }

func (a *API) answerLink(c *fiber.Ctx, kind, id, bind, filename string, size int64, sha string) error {
	link, exp := a.d.DownloadLinks.URL(mountPrefix(c), kind, id, bind, time.Now())
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(downloadLinkView{URL: link, ExpiresAt: exp, Filename: filename, Size: size, SHA256: sha})
}

// documentDownloadLink: POST /documents/:id/download-link (editors). A
// withdrawn document has none (410), as /download.
func (a *API) documentDownloadLink(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	if d.Status == models.DocumentWithdrawn {
		return fmt.Errorf("%w: the document was withdrawn", models.ErrGone)
	}
	return a.answerLink(c, linkDocument, d.ID, bindOriginal(d), models.DownloadName(d), d.File.Size, d.File.SHA256)
}

// originalDownloadLink: POST /archive/documents/:id/original-link
// (archivists; withdrawn documents too, as /original).
func (a *API) originalDownloadLink(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.answerLink(c, linkOriginal, d.ID, bindOriginal(d), models.DownloadName(d), d.File.Size, d.File.SHA256)
}

// bagDownloadLink: POST /archive/partnerships/:id/bag-link (archivists).
func (a *API) bagDownloadLink(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	p, err := a.d.Partnerships.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return a.answerLink(c, linkBag, p.ID, bindBag(p), p.Slug+"-bag.zip", 0, "")
}

// linkedDocument checks a signed document link: its signature first
// (nothing is read for a forged one), then that the document still exists
// (404 once purged) and is what the link was made for (its SHA-256).
func (a *API) linkedDocument(c *fiber.Ctx, kind string) (*models.Document, error) {
	id, bind := strings.Clone(c.Params("id")), c.Query("v")
	if err := a.d.DownloadLinks.Check(kind, id, bind, c.Query("exp"), c.Query("sig"), time.Now()); err != nil {
		return nil, err
	}
	d, err := a.d.Documents.Get(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if bindOriginal(d) != bind {
		return nil, fmt.Errorf("%w: the file changed since the link was made; start the download again from the page", models.ErrLinkInvalid)
	}
	return d, nil
}

// linkedDocumentDownload: GET /downloads/documents/:id, an editor's link.
// Like /documents/:id/download it redirects to a fresh presigned GET
// under the original name, so the bytes come from the object store.
func (a *API) linkedDocumentDownload(c *fiber.Ctx) error {
	d, err := a.linkedDocument(c, linkDocument)
	if err != nil {
		return err
	}
	return a.redirectToOriginal(c, d)
}

// linkedOriginal: GET /downloads/originals/:id, an archivist's link: the
// original's bytes as /archive/documents/:id/original sends them.
func (a *API) linkedOriginal(c *fiber.Ctx) error {
	d, err := a.linkedDocument(c, linkOriginal)
	if err != nil {
		return err
	}
	return a.sendOriginal(c, d)
}

// linkedBag: GET /downloads/bags/:id, an archivist's link to a BagIt
// zip: good while the partnership is at the version it was made for.
func (a *API) linkedBag(c *fiber.Ctx) error {
	id, bind := strings.Clone(c.Params("id")), c.Query("v")
	if err := a.d.DownloadLinks.Check(linkBag, id, bind, c.Query("exp"), c.Query("sig"), time.Now()); err != nil {
		return err
	}
	p, err := a.d.Partnerships.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	if bindBag(p) != bind {
		return fmt.Errorf("%w: the partnership changed since the link was made; start the download again from the page", models.ErrLinkInvalid)
	}
	return a.sendBag(c, p)
}
