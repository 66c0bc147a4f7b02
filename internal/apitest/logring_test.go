package apitest

import (
	"fmt"
	"strings"
	"testing"
)

// A test server keeps its last warnings and errors, not its requests.
func TestLogRingKeepsTheLastWarningsAndErrors(t *testing.T) {
	r := &logRing{}
	log := r.logger()
	for i := range ringSize + 10 {
		log.Info("request", "n", i)
		log.Warn("object store down", "n", i)
	}
	log.Error("request failed", "status", 503)
	got := strings.Split(r.String(), "\n")
	if len(got) != ringSize {
		t.Fatalf("%d lines kept, want %d", len(got), ringSize)
	}
	if !strings.Contains(got[len(got)-1], "request failed") || !strings.Contains(got[len(got)-2], fmt.Sprintf("n=%d", ringSize+9)) {
		t.Errorf("the newest lines are not last: %q", got[len(got)-2:])
	}
	if strings.Contains(r.String(), "level=INFO") {
		t.Error("information is kept")
	}
}
