package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// DocumentTexts are the documents' extracted texts and their extraction
// queue (package doctext).
type DocumentTexts interface {
	Text(ctx context.Context, doc *models.Document) (string, error)
}

// TextExtraction reports and re-queues text extraction (doctext.Runner).
type TextExtraction interface {
	State(ctx context.Context) (models.TextExtractionState, error)
	Requeue(ctx context.Context, id string) (*models.Document, error)
}

// PublishedDocument finds a document the public may read (package publish).
type PublishedDocument interface {
	PublishedDocument(id string) (*models.Document, bool)
}

// sendText answers a document's extracted text as text/plain, or a 404
// problem that says why there is none.
func (a *API) sendText(c *fiber.Ctx, d *models.Document, cache string) error {
	text, err := a.d.Texts.Text(c.UserContext(), d)
	if errors.Is(err, models.ErrNotFound) {
		why := "its text has not been extracted yet"
		if d.Text != nil {
			switch d.Text.Status {
			case models.TextNone:
				why = "its file holds no text"
			case models.TextUnavailable:
				why = d.Text.Error
			case models.TextFailed:
				why = "its text could not be extracted: " + d.Text.Error
			}
		}
		return fmt.Errorf("%w: document %s has no extracted text (%s)", models.ErrNotFound, d.ID, why)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, cache)
	c.Set("X-Content-Type-Options", "nosniff")
	if d.Text != nil && len(d.Text.Languages) > 0 && d.Language != "" {
		c.Set(fiber.HeaderContentLanguage, d.Language)
	}
	return c.SendString(text)
}

// documentText: GET /documents/{id}/text and /archive/documents/{id}/text.
func (a *API) documentText(c *fiber.Ctx) error {
	d, err := a.document(c)
	if err != nil {
		return err
	}
	return a.sendText(c, d, "private, no-store")
}

// publicDocumentText: GET /public/documents/{id}/text, the plain-text
// alternative of a published document's file.
func (a *API) publicDocumentText(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, ok := a.d.PublishedDocument.PublishedDocument(id)
	if !ok {
		return fmt.Errorf("%w: no published document %s", models.ErrNotFound, id)
	}
	return a.sendText(c, d, string(a.publicCache))
}

// textExtraction: GET /archive/text-extraction.
func (a *API) textExtraction(c *fiber.Ctx) error {
	s, err := a.d.TextExtraction.State(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s)
}

// requeueText: POST /archive/documents/{id}/text.
func (a *API) requeueText(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := a.d.TextExtraction.Requeue(c.UserContext(), id)
	if err != nil {
		return err
	}
	// Where the extraction's progress shows: the record's text facts.
	c.Set(fiber.HeaderLocation, mountPrefix(c)+"/api/v1/archive/documents/"+d.ID)
	return a.respondDocument(c, fiber.StatusAccepted, d)
}
