package apitest

import (
	"fmt"
	"testing"
)

// Helpers for content records through the API, shared by the packages'
// HTTP tests.

// Create creates a partnership as token and returns the 201's body.
func Create(t testing.TB, s *Server, token string, body any) map[string]any {
	t.Helper()
	return Expect(t, s.Do(t, Req{Method: "POST", Path: "/api/v1/partnerships", Token: token, Body: body}), 201).Map(t)
}

// IfMatch is the If-Match header naming version v.
func IfMatch(v any) map[string]string {
	return map[string]string{"If-Match": fmt.Sprintf(`"%v"`, v)}
}

// PartnershipTotal is the editor list's total as token sees it.
func PartnershipTotal(t testing.TB, s *Server, token string) int {
	t.Helper()
	return int(Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/partnerships?per_page=1", Token: token}), 200).Map(t)["total"].(float64))
}

// PatchTo merge-patches the content record at path (at version) and
// returns its new body.
func PatchTo(t testing.TB, s *Server, token, path string, version any, body map[string]any) map[string]any {
	t.Helper()
	return Expect(t, s.Do(t, Req{Method: "PATCH", Path: path, Token: token, Body: body, Headers: IfMatch(version)}), 200).Map(t)
}

// PartnershipPath is the editor path of a partnership body.
func PartnershipPath(p map[string]any) string {
	return fmt.Sprintf("/api/v1/partnerships/%s", p["id"])
}

// PublishNew creates a partnership as tok and publishes it; it returns the
// id and the published version. On the shared server the partnership is
// deleted when the test ends (other tests count the published list).
func (s *Server) PublishNew(t testing.TB, tok, slug string) (string, int) {
	t.Helper()
	r := Expect(t, s.Do(t, Req{Method: "POST", Path: "/api/v1/partnerships", Token: tok, Body: MinimalPartnership(slug, "Mesto "+slug)}), 201)
	id := r.Map(t)["id"].(string)
	pub := Expect(t, s.Do(t, Req{Method: "POST", Path: "/api/v1/partnerships/" + id + "/publish", Token: tok,
		Headers: map[string]string{"If-Match": r.Header.Get("ETag")}}), 200)
	if s.isShared() {
		t.Cleanup(func() { s.DeletePartnership(t, id) })
	}
	return id, int(pub.Map(t)["version"].(float64))
}

// DeletePartnership deletes a partnership at its current version.
func (s *Server) DeletePartnership(t testing.TB, id string) {
	t.Helper()
	cur := Expect(t, s.Do(t, Req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: AdminToken}), 200)
	Expect(t, s.Do(t, Req{Method: "DELETE", Path: "/api/v1/partnerships/" + id, Token: AdminToken,
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
}

// RemoveAtEnd deletes the record at path when the test ends: the shared
// server's published list is counted by other tests.
func (s *Server) RemoveAtEnd(t testing.TB, path string) {
	t.Cleanup(func() {
		cur := s.Do(t, Req{Method: "GET", Path: path, Token: AdminToken})
		if cur.Status == 404 {
			return
		}
		Expect(t, s.Do(t, Req{Method: "DELETE", Path: path, Token: AdminToken, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
	})
}
