package schedule_test

import (
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"

	"github.com/jesenice/twincms/models"
)

// Schedules pass the change hook: their creation and cancellation as
// Resource "schedule", and what a run does as a content change by the
// actor "schedule". Deleting a record cancels its pending schedules.
func TestScheduleChangesPassTheHook(t *testing.T) {
	s, rec := apitest.Recorded(t)
	ed := s.NewToken(t, "editor")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("hooked-schedule", "Kljuka"))
	path := apitest.PartnershipPath(p)
	rec.Take()

	sc := s.Schedule(t, ed, path, 1, map[string]any{"action": "publish", "at": apitest.RFC3339(time.Now().Add(2 * time.Second))})
	c := rec.One(t, "schedule create")
	if c.Resource != models.ResourceSchedule || c.ID != sc.ID || c.Action != models.ActionCreate || c.Actor.TokenID == "" || c.RequestID == "" {
		t.Fatalf("schedule create change: %+v", c)
	}
	if done := s.WaitSchedule(t, ed, sc.ID); done.Status != "done" {
		t.Fatalf("schedule: %+v", done)
	}
	c = rec.One(t, "scheduled publish")
	if c.Resource != models.ResourcePartnership || c.Action != models.ActionPublish || c.Actor != (models.Actor{Name: "schedule"}) || c.Version != 2 || c.NewStatus != models.StatusPublished {
		t.Fatalf("scheduled publish change: %+v", c)
	}

	later := s.Schedule(t, ed, path, 2, map[string]any{"action": "unpublish", "at": apitest.RFC3339(time.Now().Add(time.Hour))})
	rec.Take()
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(2)}), 204)
	got := rec.Take()
	if len(got) != 2 || got[0].Action != models.ActionDelete || got[0].Resource != models.ResourcePartnership ||
		got[1].Resource != models.ResourceSchedule || got[1].ID != later.ID || got[1].Action != models.ActionDelete {
		t.Fatalf("deleting the record: changes %+v, want its delete and its schedule's cancellation", got)
	}
	var after apitest.ScheduleView
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/schedules/" + later.ID, Token: ed}), 200).JSON(t, &after)
	if after.Status != "cancelled" {
		t.Fatalf("schedule of a deleted record: %+v", after)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/schedules/" + sc.ID, Token: ed}), 409)
	rec.None(t, "a refused cancel")
}
