package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// IngestJobs runs bulk ingests of zipped BagIt bags (see package bulk).
type IngestJobs interface {
	// Submit receives a zipped bag (declared bytes long, < 0 when
	// unknown) and starts its job. Errors: models.ErrTooLarge,
	// ErrMalformed (not a zip), ErrInvalid (no bag, unsafe entry names),
	// ErrInsufficientStorage (no room to keep the bag), and an error with
	// a RetryAfter() time.Duration method when the queued bags fill the
	// instance's budget. The job runs as the actor ctx carries.
	Submit(ctx context.Context, body io.Reader, declared int64) (*models.IngestJob, error)
	// Get returns a job. Errors: models.ErrNotFound.
	Get(ctx context.Context, id string) (*models.IngestJob, error)
}

// errIngestQueueFull: the bags waiting on this instance fill its budget
// (TWINCMS_MAX_QUEUED_INGEST_BYTES); 503 with the Retry-After set here.
var errIngestQueueFull = errors.New("ingest queue full")

// submitIngest: POST /archive/ingests, a zipped bag as the body, streamed
// to a temporary file. The bag is verified and ingested in the background:
// 202 with the job and its Location.
func (a *API) submitIngest(c *fiber.Ctx) error {
	mt, _, err := mime.ParseMediaType(string(c.Request().Header.ContentType()))
	if err != nil || mt != "application/zip" {
		return fmt.Errorf("%w: send the bag as a zip (Content-Type: application/zip)", models.ErrUnsupportedType)
	}
	var body io.Reader
	declared := int64(c.Request().Header.ContentLength())
	if c.Request().IsBodyStream() {
		body = &countedBody{r: c.Request().BodyStream(), declared: declared}
	} else {
		body = bytes.NewReader(c.Body())
		declared = int64(len(c.Body()))
	}
	job, err := a.d.Ingests.Submit(c.UserContext(), body, declared)
	var busy interface{ RetryAfter() time.Duration }
	switch {
	case errors.As(err, &busy):
		dropRest(c) // the body is not read
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(busy.RetryAfter().Seconds())))
		return errIngestQueueFull
	case errors.Is(err, models.ErrTooLarge), errors.Is(err, models.ErrInsufficientStorage):
		dropRest(c) // the rest of the body is still coming
		return err
	case err != nil:
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
