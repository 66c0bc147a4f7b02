package apitest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"testing"

	"github.com/jesenice/twincms/models"
)

// Helpers for documents in the store and the archive, shared by the
// tests of ingest and archive and the tests of whole processes in
// cmd/twincms.

// ArchiveDocs is the ids GET /archive/documents?query answers with, in
// its order.
func (s *Server) ArchiveDocs(t testing.TB, token, query string) []string {
	t.Helper()
	var l struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/archive/documents?" + query, Token: token}), 200).JSON(t, &l)
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

// PartnershipID is the id of the first partnership GET /partnerships?q=
// finds for query (a demo partnership's slug, say).
func (s *Server) PartnershipID(t testing.TB, token, query string) string {
	t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/partnerships?q=" + url.QueryEscape(query), Token: token}), 200).JSON(t, &list)
	if len(list.Items) == 0 {
		t.Fatalf("no partnership matches %q", query)
	}
	return list.Items[0].ID
}

// ExpectConsistentStore checks the invariants that hold after a sweep:
// every record has its object (with its SHA-256) and its ingest event and
// claim; every object, claim and multipart upload belongs to a record.
func (s *Server) ExpectConsistentStore(t testing.TB) {
	t.Helper()
	ctx := t.Context()
	in := s.CMS
	st := s.StoreState(t)
	if len(st.Incomplete) > 0 {
		t.Errorf("incomplete uploads after the sweep: %v", st.Incomplete)
	}
	docs, err := in.Documents.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys := s.ObjectKeys(t)
	records := map[string]bool{}
	for _, d := range docs {
		records[d.ID] = true
		if sum := s.objectSHA256(ctx, d.File.Key); sum != d.File.SHA256 {
			t.Errorf("record %s: object %s has sha256 %q, the record says %s", d.ID, d.File.Key, sum, d.File.SHA256)
		}
		events, err := in.Documents.Events(ctx, d.ID)
		if err != nil || len(events) == 0 || events[0].Type != models.EventIngested {
			t.Errorf("record %s has no ingest event: %v %v", d.ID, events, err)
		}
		for _, r := range d.Renditions {
			if !keys[r.Key] {
				t.Errorf("record %s: rendition %s missing", d.ID, r.Key)
			}
		}
	}
	for k := range keys {
		if !records[documentOfKey(k)] {
			t.Errorf("object %s has no record", k)
		}
	}
	for _, id := range st.Claims {
		if !records[id] {
			t.Errorf("claim of %s has no record", id)
		}
	}
}

// documentOfKey is the document id in an original's or rendition's key
// ("" for any other key).
func documentOfKey(key string) string {
	for _, p := range []string{"originals/", "renditions/"} {
		if len(key) >= len(p)+24 && key[:len(p)] == p {
			return key[len(p) : len(p)+24]
		}
	}
	return ""
}

// objectSHA256 hashes a stored object ("" when it cannot be read).
func (s *Server) objectSHA256(ctx context.Context, key string) string {
	rc, _, err := s.CMS.Objects.Get(ctx, key)
	if err != nil {
		return ""
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
