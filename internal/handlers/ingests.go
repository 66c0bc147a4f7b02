package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// IngestJobs runs bulk ingests of zipped BagIt bags (see package bulk).
type IngestJobs interface {
	// Submit receives a zipped bag and starts its job. Errors:
	// models.ErrTooLarge, ErrMalformed (not a zip), ErrInvalid (no bag).
	// The job runs as the actor ctx carries.
	Submit(ctx context.Context, body io.Reader) (*models.IngestJob, error)
	// Get returns a job. Errors: models.ErrNotFound.
	Get(ctx context.Context, id string) (*models.IngestJob, error)
}

// submitIngest: POST /archive/ingests, a zipped bag as the body, streamed
// to a temporary file. The bag is verified and ingested in the background:
// 202 with the job and its Location.
func (a *API) submitIngest(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != "application/zip" {
		return fmt.Errorf("%w: send the bag as a zip (Content-Type: application/zip)", models.ErrUnsupportedType)
	}
	var body io.Reader
	if c.Request().IsBodyStream() {
		body = &countedBody{r: c.Request().BodyStream(), declared: int64(c.Request().Header.ContentLength())}
	} else {
		body = bytes.NewReader(c.Body())
	}
	job, err := a.d.Ingests.Submit(c.UserContext(), body)
	if err != nil {
		if errors.Is(err, models.ErrTooLarge) {
			c.Context().SetConnectionClose() // the rest of the body is still coming
		}
		return err
	}
	c.Location(c.Path() + "/" + job.ID)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusAccepted).JSON(job)
}

// ingestJob: GET /archive/ingests/:id, the job's status and counts.
func (a *API) ingestJob(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	job, err := a.d.Ingests.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(job)
}
