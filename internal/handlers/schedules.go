package handlers

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/models"
)

// ScheduleService plans publishes and unpublishes (package schedule).
// Errors: ErrNotFound, ErrStale, ErrInvalid, ErrConflict, ErrUnavailable.
type ScheduleService interface {
	// Editable checks the record exists at version expected before the
	// body is read (so 404 and 412 come first, as for other changes).
	Editable(ctx context.Context, r models.Resource, id string, expected int64) (int64, error)
	Create(ctx context.Context, r models.Resource, id string, expected int64, in models.ScheduleInput) (models.Schedule, error)
	Get(ctx context.Context, id string) (models.Schedule, error)
	List(ctx context.Context, q models.ScheduleQuery) (models.List[models.Schedule], error)
	Cancel(ctx context.Context, id string) (models.Schedule, error)
}

// scheduleRules is what the OpenAPI document says of schedules.
const scheduleRules = "At `at` (checked every second; within 5 s) exactly the scheduled version's content is published, " +
	"even if the draft moved on since: editing the record after scheduling does not change what goes live. " +
	"`version` defaults to the current one. An unpublish takes the record back to draft whatever version is current then. " +
	"Deleting the record cancels its pending schedules. With several instances on one database each schedule runs once. " +
	"A schedule whose time passed while the service was down runs at the next start with `late: true`. " +
	"The changes are made by the actor \"schedule\" and pass the change hook (webhooks, audit) like any other. Needs If-Match."

// createSchedule: POST /{partnerships|blocks|pages}/{id}/schedule.
func (a *API) createSchedule(r models.Resource) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, expected, err := idAndVersion(c)
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		if _, err := a.d.Schedules.Editable(ctx, r, id, expected); err != nil {
			return err
		}
		in, err := decodeScheduleInput(c, a.d.MaxJSONBytes)
		if err != nil {
			return err
		}
		sc, err := a.d.Schedules.Create(ctx, r, id, expected, in)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		c.Location(mountPrefix(c) + "/api/v1/schedules/" + sc.ID)
		return c.Status(fiber.StatusCreated).JSON(sc)
	}
}

// listSchedules: GET /schedules?resource=&status=&page=&per_page=.
func (a *API) listSchedules(c *fiber.Ctx) error {
	var p models.Problems
	q := models.ScheduleQuery{}
	q.Page, q.PerPage = parsePaging(c.Query, &p)
	if s := c.Query("resource"); s != "" {
		switch r := models.Resource(strings.Clone(s)); r {
		case models.ResourcePartnership, models.ResourceBlock, models.ResourcePage:
			q.Resource = r
		default:
			p.Add("resource", "must be partnership, block or page")
		}
	}
	if s := c.Query("status"); s != "" {
		if q.Status = models.ScheduleStatus(strings.Clone(s)); !q.Status.Valid() {
			p.Add("status", "must be pending, done, failed or cancelled")
		}
	}
	if err := p.Err(models.ErrMalformed); err != nil {
		return err
	}
	list, err := a.d.Schedules.List(c.UserContext(), q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(list)
}

// getSchedule: GET /schedules/{id}.
func (a *API) getSchedule(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sc, err := a.d.Schedules.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sc)
}

// cancelSchedule: DELETE /schedules/{id}; 409 unless it is pending.
func (a *API) cancelSchedule(c *fiber.Ctx) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	sc, err := a.d.Schedules.Cancel(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(sc)
}

// decodeScheduleInput reads the body strictly: version names the version
// to publish here, so it is not refused as a server-owned field.
func decodeScheduleInput(c *fiber.Ctx, limit int64) (models.ScheduleInput, error) {
	var in models.ScheduleInput
	if err := requireJSON(c); err != nil {
		return in, err
	}
	body, err := readBody(c, limit)
	if err != nil {
		return in, err
	}
	fields, err := parseJSONObject(body, "the body", []string{"id", "status", "ran_at", "late"})
	if err != nil {
		return in, err
	}
	raw, _ := json.Marshal(fields)
	return in, strictDecode(raw, &in)
}
