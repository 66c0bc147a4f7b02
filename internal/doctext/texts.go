// Package doctext holds the text of every document: what was extracted
// from its file (a PDF's text layer with poppler's pdftotext, or OCR of a
// scan with Tesseract), stored as an object beside the original and
// described in the record (models.TextFacts).
//
// Texts is the small read API the rest of twincms uses (the full-text
// index, the plain-text alternative GET /documents/{id}/text, bag
// exports, accessibility facts).
package doctext

import (
	"context"
	"fmt"
	"io"

	"github.com/jesenice/twincms/models"
)

// MaxTextBytes bounds a stored text (an OCRed book of a few hundred pages
// is ~2 MB).
const MaxTextBytes = 16 << 20

// Objects is the object store as the texts need it. Errors:
// models.ErrNotFound, models.ErrUnavailable.
type Objects interface {
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
}

// Texts reads and writes extracted texts.
type Texts struct {
	Objects Objects
}

// HasText reports whether doc has an extracted text to read.
func HasText(doc *models.Document) bool {
	return doc != nil && doc.Text != nil && doc.Text.Status == models.TextDone && doc.Text.Key != ""
}

// Text returns doc's extracted text (UTF-8). Errors: models.ErrNotFound
// when it has none (not extracted yet, no words, OCR unavailable),
// models.ErrUnavailable when the store is down.
func (t Texts) Text(ctx context.Context, doc *models.Document) (string, error) {
	if !HasText(doc) {
		return "", fmt.Errorf("%w: document %s has no extracted text", models.ErrNotFound, doc.ID)
	}
	rc, _, err := t.Objects.Get(ctx, doc.Text.Key)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxTextBytes))
	if err != nil {
		return "", fmt.Errorf("%w: reading the text of %s: %v", models.ErrUnavailable, doc.ID, err)
	}
	return string(b), nil
}
