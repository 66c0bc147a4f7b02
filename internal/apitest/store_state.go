package apitest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// Helpers that look at what the store holds, for the tests of refused,
// cut and concurrent writes.

// StoreState is everything the store holds for documents: records,
// objects, incomplete multipart uploads and checksum claims.
type StoreState struct {
	Records, Objects, Incomplete, Claims []string
}

func (st StoreState) String() string {
	return fmt.Sprintf("records %v\nobjects %v\nincomplete uploads %v\nclaims %v", st.Records, st.Objects, st.Incomplete, st.Claims)
}

// WaitTexts waits until the background text extraction has taken in
// every active document (its text object and facts are written after the
// upload is answered), so a comparison of store states is not raced by it.
// It gives up quietly after 10 s: with the object store down the queue
// waits, and the state is then read as it is.
func (s *Server) WaitTexts(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		docs, err := s.CMS.Documents.All(t.Context())
		if err != nil {
			return
		}
		busy := false
		for _, d := range docs {
			busy = busy || d.Status == models.DocumentActive && (d.Text == nil || d.Text.Status == models.TextQueued || d.Text.Status == models.TextRunning)
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// StoreState reads s's StoreState from the database and the object store
// once the background text extraction is idle.
func (s *Server) StoreState(t testing.TB) StoreState {
	t.Helper()
	s.WaitTexts(t)
	ctx := t.Context()
	in := s.CMS
	var st StoreState
	docs, err := in.Documents.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		st.Records = append(st.Records, d.ID)
	}
	for k := range s.ObjectKeys(t) {
		st.Objects = append(st.Objects, k)
	}
	if err := in.Objects.IncompleteUploads(ctx, "", func(u models.IncompleteUpload) error {
		st.Incomplete = append(st.Incomplete, u.Key)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	claims, err := in.Documents.Claims(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range claims {
		st.Claims = append(st.Claims, c.DocumentID)
	}
	for _, l := range [][]string{st.Records, st.Objects, st.Incomplete, st.Claims} {
		slices.Sort(l)
	}
	return st
}

// ExpectStoreUnchanged waits (at most 10 s) for the store to be back at
// want: leftovers of a refused upload may be removed just after the answer.
func (s *Server) ExpectStoreUnchanged(t testing.TB, want StoreState) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.StoreState(t)
		if got.String() == want.String() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the store changed:\n%s\nwant:\n%s", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stored counts what the store holds: document records, checksum claims
// and objects, to compare before and after.
type Stored struct{ Documents, Claims, Objects int }

// Stored counts s's records, claims and objects.
func (s *Server) Stored(t testing.TB) Stored {
	t.Helper()
	claims, err := s.CMS.Documents.Claims(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return Stored{Documents: s.DocumentCount(t), Claims: len(claims), Objects: len(s.ObjectKeys(t))}
}

// DistinctChecksums counts the different SHA-256s among the records.
func (s *Server) DistinctChecksums(t testing.TB) int {
	t.Helper()
	all, err := s.CMS.Documents.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range all {
		seen[d.File.SHA256] = true
	}
	return len(seen)
}
