package apitest

import (
	"testing"
	"time"
)

// Helpers for scheduled publishing through the API.

// ScheduleView is a schedule as the API returns it.
type ScheduleView struct {
	ID          string     `json:"id"`
	Resource    string     `json:"resource"`
	ResourceID  string     `json:"resource_id"`
	Action      string     `json:"action"`
	Version     int64      `json:"version"`
	At          time.Time  `json:"at"`
	Status      string     `json:"status"`
	RanAt       *time.Time `json:"ran_at"`
	Late        bool       `json:"late"`
	Error       string     `json:"error"`
	ErrorCode   string     `json:"error_code"`
	ScheduledBy struct {
		TokenID string `json:"token_id"`
		Name    string `json:"name"`
	} `json:"scheduled_by"`
}

// Schedule plans an action on the record at path (version ifm) and
// returns the 201's schedule.
func (s *Server) Schedule(t testing.TB, token, path string, ifm int, body map[string]any) ScheduleView {
	t.Helper()
	var sc ScheduleView
	Expect(t, s.Do(t, Req{Method: "POST", Path: path + "/schedule", Token: token, Body: body, Headers: IfMatch(ifm)}), 201).JSON(t, &sc)
	return sc
}

// WaitSchedule polls the schedule until it leaves pending (at most 60 s).
func (s *Server) WaitSchedule(t testing.TB, token, id string) ScheduleView {
	t.Helper()
	var sc ScheduleView
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/schedules/" + id, Token: token}), 200).JSON(t, &sc)
		if sc.Status != "pending" {
			return sc
		}
	}
	t.Fatalf("schedule %s still pending after 60 s: %+v", id, sc)
	return sc
}

// RFC3339 formats t as the API takes it (in a non-UTC zone, to check that
// offsets are understood).
func RFC3339(t time.Time) string {
	return t.In(time.FixedZone("CET", 3600)).Format(time.RFC3339Nano)
}

// PublishActions counts the versions of the record at path made by a
// publish, failing the test for one not made by the scheduler.
func (s *Server) PublishActions(t testing.TB, token, path string) int {
	t.Helper()
	var list struct {
		Items []struct {
			Action string `json:"action"`
			By     string `json:"by"`
		} `json:"items"`
	}
	Expect(t, s.Do(t, Req{Method: "GET", Path: path + "/versions", Token: token}), 200).JSON(t, &list)
	n := 0
	for _, v := range list.Items {
		if v.Action == "publish" {
			if v.By != "schedule" {
				t.Errorf("%s: a publish by %q, want schedule", path, v.By)
			}
			n++
		}
	}
	return n
}
