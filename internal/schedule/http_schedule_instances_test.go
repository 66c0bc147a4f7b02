package schedule_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

var doneRuns = regexp.MustCompile(`(?m)^twincms_schedule_runs_total\{outcome="done"\} (\d+)`)

// scheduleRuns is the instance's count of schedules it ran to done.
func scheduleRuns(t testing.TB, s *apitest.Server) int {
	t.Helper()
	m := doneRuns.FindSubmatch(apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body)
	if m == nil {
		t.Fatal("/metrics lacks twincms_schedule_runs_total{outcome=\"done\"}")
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// Two instances on one database both run schedules; each due schedule is
// run by exactly one of them (one publish per record, one done run each).
func TestScheduleRunsOnceWithTwoInstances(t *testing.T) {
	s := apitest.Shared(t)
	other := s.Sibling(t, nil)
	before := scheduleRuns(t, s) + scheduleRuns(t, other)
	const n = 6
	var paths, ids []string
	for i := range n {
		// Made through both instances alternately.
		inst := []*apitest.Server{s, other}[i%2]
		p := apitest.Create(t, inst, admin, apitest.MinimalPartnership(fmt.Sprintf("two-instances-%d", i), fmt.Sprintf("Dvojna %d", i)))
		path := apitest.PartnershipPath(p)
		s.RemoveAtEnd(t, path)
		paths = append(paths, path)
	}
	// All fall due at one time, so that both runners reach for them at
	// once; a schedule the loaded machine is slow to make gets a later
	// time of its own (the API refuses a time in the past).
	at := time.Now().Add(3 * time.Second)
	ats := make([]time.Time, n)
	for i, path := range paths {
		ats[i] = at
		if time.Until(at) < 2*time.Second {
			ats[i] = time.Now().Add(2 * time.Second)
		}
		inst := []*apitest.Server{s, other}[i%2] // scheduled through both instances too
		sc := inst.Schedule(t, admin, path, 1, map[string]any{"action": "publish", "at": apitest.RFC3339(ats[i])})
		ids = append(ids, sc.ID)
	}
	for i, id := range ids {
		sc := s.WaitSchedule(t, admin, id)
		if sc.Status != "done" || sc.Late || sc.RanAt.Before(ats[i].Truncate(time.Millisecond)) {
			t.Fatalf("schedule %d: %+v", i, sc)
		}
		t.Logf("schedule %d ran %s after its time", i, sc.RanAt.Sub(ats[i]))
	}
	for _, path := range paths {
		if got := s.PublishActions(t, admin, path); got != 1 {
			t.Fatalf("%s published %d times, want once", path, got)
		}
		cur := apitest.Expect(t, other.Do(t, apitest.Req{Method: "GET", Path: path, Token: admin}), 200).Map(t)
		if cur["status"] != "published" || cur["version"].(float64) != 2 {
			t.Fatalf("%s after the schedule: %v", path, cur)
		}
	}
	if after := scheduleRuns(t, s) + scheduleRuns(t, other); after-before != n {
		t.Fatalf("%d runs to done on both instances, want %d (one per schedule)", after-before, n)
	}
}

// A schedule whose time passes while the service is down runs at the next
// start and says it ran late.
func TestMissedScheduleRunsLateAfterRestart(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_SCHEDULE_LATE_AFTER": "1s"}
	s, err := apitest.Start(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // a no-op after the Close below, unless the test fails before it
	p := apitest.Create(t, s, admin, apitest.MinimalPartnership("missed-town", "Zamujena"))
	path := apitest.PartnershipPath(p)
	at := time.Now().Add(6 * time.Second) // the service stops well before it, under load too
	sc := s.Schedule(t, admin, path, 1, map[string]any{"action": "publish", "at": apitest.RFC3339(at)})
	s.Close()
	if time.Now().After(at) {
		t.Fatal("the service took longer to stop than the schedule's lead time; the test proves nothing")
	}
	time.Sleep(time.Until(at) + 2*time.Second) // down while it falls due
	s, err = apitest.Start(dir, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := s.WaitSchedule(t, admin, sc.ID)
	if done.Status != "done" || !done.Late || done.RanAt == nil || done.RanAt.Sub(at) < time.Second {
		t.Fatalf("missed schedule after restart: %+v (at %s)", done, at)
	}
	if cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: admin}), 200).Map(t); cur["status"] != "published" {
		t.Fatalf("record after the late run: %v", cur)
	}
}
