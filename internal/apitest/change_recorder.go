package apitest

import (
	"context"
	"sync"
	"testing"

	"github.com/jesenice/twincms/models"
)

// ChangeRecorder is a change hook (WithChangeHook(rec.Hook)) that
// keeps what it is told, for tests that every write passes the hook once.
type ChangeRecorder struct {
	mu   sync.Mutex
	seen []models.Change
}

// Hook is the models.ChangeHook.
func (r *ChangeRecorder) Hook(_ context.Context, c models.Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, c)
}

// Take returns the changes seen since the last Take.
func (r *ChangeRecorder) Take() []models.Change {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.seen
	r.seen = nil
	return out
}

// One fails unless exactly one change was seen since the last Take, and
// returns it.
func (r *ChangeRecorder) One(t testing.TB, what string) models.Change {
	t.Helper()
	got := r.Take()
	if len(got) != 1 {
		t.Fatalf("%s: %d changes, want 1: %+v", what, len(got), got)
	}
	return got[0]
}

// None fails unless no change was seen since the last Take.
func (r *ChangeRecorder) None(t testing.TB, what string) {
	t.Helper()
	if got := r.Take(); len(got) != 0 {
		t.Fatalf("%s: %d changes, want none: %+v", what, len(got), got)
	}
}

// Recorded starts a server without demo content whose change hooks end in
// a new ChangeRecorder; the server stops when the test ends.
func Recorded(t testing.TB) (*Server, *ChangeRecorder) {
	t.Helper()
	rec := &ChangeRecorder{}
	s, err := Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"}, WithChangeHook(rec.Hook))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, rec
}
