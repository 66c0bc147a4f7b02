package preview_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Handing a draft to someone without an account is on the record: making
// and revoking a preview link are in the audit log, with who did it and
// the request, and the link's token is in no entry.
func TestPreviewLinksAreAudited(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	me := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: ed}), 200).Map(t)
	pg := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
		Body: map[string]any{"slug": "audited-preview", "title": map[string]string{"sl": "Revidiran predogled"}}}), 201).Map(t)
	path := "/api/v1/pages/" + pg["id"].(string)
	s.RemoveAtEnd(t, path)
	var link previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{},
		Headers: map[string]string{"X-Request-Id": "preview-audit-1"}}), 201).JSON(t, &link)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path + "/preview-links/" + link.ID, Token: ed}), 204)

	var got struct {
		Items []struct {
			Action     string            `json:"action"`
			Resource   string            `json:"resource"`
			ResourceID string            `json:"resource_id"`
			RequestID  string            `json:"request_id"`
			Actor      map[string]string `json:"actor"`
		} `json:"items"`
	}
	q := url.Values{"resource": {"preview_link"}}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit?" + q.Encode(), Token: apitest.AdminToken}), 200).JSON(t, &got)
	actions := map[string]bool{}
	for _, e := range got.Items {
		if e.ResourceID != link.ID {
			continue
		}
		actions[e.Action] = true
		if e.Actor["token_id"] != me["id"] {
			t.Errorf("%s by %v, want the editor's token %v", e.Action, e.Actor, me["id"])
		}
		if e.Action == "create" && e.RequestID != "preview-audit-1" {
			t.Errorf("create's request id %q", e.RequestID)
		}
	}
	if !actions["create"] || !actions["delete"] {
		t.Fatalf("audit entries of link %s: %v, want create and delete (%+v)", link.ID, actions, got.Items)
	}
	u, err := url.Parse(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	secret := u.Query().Get("token")
	export := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit.jsonl", Token: apitest.AdminToken}), 200)
	if secret == "" || strings.Contains(string(export.Body), secret) || strings.Contains(string(export.Body), secret[strings.IndexByte(secret, '.')+1:]) {
		t.Fatal("the preview link's token is in the audit log")
	}
}
