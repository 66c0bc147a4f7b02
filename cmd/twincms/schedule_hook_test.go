package main

import (
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// Schedules pass the change hook: their creation and cancellation as
// Resource "schedule", and what a run does as a content change by the
// actor "schedule". Deleting a record cancels its pending schedules.
func TestScheduleChangesPassTheHook(t *testing.T) {
	rec := &changeRecorder{}
	s, err := startTestServerWith(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"}, WithChangeHook(rec.Hook))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	ed := s.newToken(t, "editor")
	p := create(t, s, ed, minimalPartnership("hooked-schedule", "Kljuka"))
	path := partnershipPath(p)
	rec.Take()

	sc := s.schedule(t, ed, path, 1, map[string]any{"action": "publish", "at": rfc3339(time.Now().Add(time.Second))})
	c := rec.One(t, "schedule create")
	if c.Resource != models.ResourceSchedule || c.ID != sc.ID || c.Action != models.ActionCreate || c.Actor.TokenID == "" || c.RequestID == "" {
		t.Fatalf("schedule create change: %+v", c)
	}
	if done := s.waitSchedule(t, ed, sc.ID); done.Status != "done" {
		t.Fatalf("schedule: %+v", done)
	}
	c = rec.One(t, "scheduled publish")
	if c.Resource != models.ResourcePartnership || c.Action != models.ActionPublish || c.Actor != (models.Actor{Name: "schedule"}) || c.Version != 2 || c.NewStatus != models.StatusPublished {
		t.Fatalf("scheduled publish change: %+v", c)
	}

	later := s.schedule(t, ed, path, 2, map[string]any{"action": "unpublish", "at": rfc3339(time.Now().Add(time.Hour))})
	rec.Take()
	expect(t, s.do(t, req{Method: "DELETE", Path: path, Token: ed, Headers: ifMatch(2)}), 204)
	got := rec.Take()
	if len(got) != 2 || got[0].Action != models.ActionDelete || got[0].Resource != models.ResourcePartnership ||
		got[1].Resource != models.ResourceSchedule || got[1].ID != later.ID || got[1].Action != models.ActionDelete {
		t.Fatalf("deleting the record: changes %+v, want its delete and its schedule's cancellation", got)
	}
	var after scheduleView
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/schedules/" + later.ID, Token: ed}), 200).JSON(t, &after)
	if after.Status != "cancelled" {
		t.Fatalf("schedule of a deleted record: %+v", after)
	}
	expect(t, s.do(t, req{Method: "DELETE", Path: "/api/v1/schedules/" + sc.ID, Token: ed}), 409)
	rec.None(t, "a refused cancel")
}
