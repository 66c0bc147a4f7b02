package main

import (
	"fmt"
	"testing"
	"time"
)

// scheduleView is a schedule as the API returns it.
type scheduleView struct {
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
	ScheduledBy struct {
		TokenID string `json:"token_id"`
		Name    string `json:"name"`
	} `json:"scheduled_by"`
}

// schedule plans action on the record at path (version ifm) and returns
// the 201's schedule.
func (s *testServer) schedule(t testing.TB, token, path string, ifm int, body map[string]any) scheduleView {
	t.Helper()
	var sc scheduleView
	expect(t, s.do(t, req{Method: "POST", Path: path + "/schedule", Token: token, Body: body, Headers: ifMatch(ifm)}), 201).JSON(t, &sc)
	return sc
}

// waitSchedule polls the schedule until it leaves pending (at most 60 s).
func (s *testServer) waitSchedule(t testing.TB, token, id string) scheduleView {
	t.Helper()
	var sc scheduleView
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/schedules/" + id, Token: token}), 200).JSON(t, &sc)
		if sc.Status != "pending" {
			return sc
		}
	}
	t.Fatalf("schedule %s still pending after 60 s: %+v", id, sc)
	return sc
}

// rfc3339 formats t as the API takes it (in a non-UTC zone, to check that
// offsets are understood).
func rfc3339(t time.Time) string {
	return t.In(time.FixedZone("CET", 3600)).Format(time.RFC3339Nano)
}

// publishActions counts the versions of the record at path made by a publish.
func publishActions(t testing.TB, s *testServer, token, path string) int {
	t.Helper()
	var list struct {
		Items []struct {
			Action string `json:"action"`
			By     string `json:"by"`
		} `json:"items"`
	}
	expect(t, s.do(t, req{Method: "GET", Path: path + "/versions", Token: token}), 200).JSON(t, &list)
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

func partnershipPath(p map[string]any) string {
	return fmt.Sprintf("/api/v1/partnerships/%s", p["id"])
}

// removeAtEnd deletes the record at path when the test ends: the shared
// server's published list is counted by other tests.
func (s *testServer) removeAtEnd(t testing.TB, path string) {
	t.Cleanup(func() {
		cur := s.do(t, req{Method: "GET", Path: path, Token: testAdminToken})
		if cur.Status == 404 {
			return
		}
		expect(t, s.do(t, req{Method: "DELETE", Path: path, Token: testAdminToken, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
	})
}
