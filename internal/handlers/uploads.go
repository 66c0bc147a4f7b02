package handlers

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// startUpload: POST /uploads.
func (a *API) startUpload(c *fiber.Ctx) error {
	fields, err := decodeJSONObject(c, a.d.MaxJSONBytes)
	if err != nil {
		return err
	}
	var req struct {
		Filename string          `json:"filename"`
		Size     int64           `json:"size"`
		SHA256   string          `json:"sha256"`
		Metadata json.RawMessage `json:"metadata"`
	}
	raw, _ := json.Marshal(fields)
	if err := strictDecode(raw, &req); err != nil {
		return err
	}
	var p models.Problems
	name := models.CleanFilename(req.Filename)
	if name == "" {
		p.Add("filename", "must be a plain file name without directories or control characters")
	}
	if req.Size < 1 {
		p.Add("size", "must be a positive number of bytes")
	}
	if len(req.SHA256) != 64 || strings.Trim(req.SHA256, "0123456789abcdef") != "" {
		p.Add("sha256", "must be 64 lowercase hex characters")
	}
	if len(req.Metadata) == 0 {
		p.Add("metadata", "is required")
	}
	if err := p.Err(models.ErrInvalid); err != nil {
		return err
	}
	in, err := decodeDocumentInput(req.Metadata, nil)
	if err != nil {
		return err
	}
	if err := a.d.Ingest.CheckInput(c.UserContext(), in); err != nil {
		return err
	}
	t, err := a.d.Ingest.StartUpload(c.UserContext(), models.UploadRequest{Filename: name, Size: req.Size, SHA256: req.SHA256, Metadata: in})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(t)
}

// completeUpload: POST /uploads/:id/complete.
func (a *API) completeUpload(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := a.d.Ingest.CompleteUpload(c.UserContext(), id)
	if err != nil {
		return err
	}
	// The document's URL beside this one, so it holds under a mount prefix.
	base, _, _ := strings.Cut(c.Path(), "/uploads/")
	c.Location(base + "/documents/" + d.ID)
	return a.respondDocument(c, fiber.StatusCreated, d)
}
