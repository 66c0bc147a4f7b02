package handlers_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// The version history names who made each version: a token by its name
// (never only its id), a revoked token by its id with an empty name, and
// the scheduler as the system.
func TestVersionHistoryNamesTheActor(t *testing.T) {
	s := apitest.Shared(t)
	tok := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/tokens", Token: apitest.AdminToken,
		Body: map[string]string{"name": "Ana Novak", "role": "editor"}}), 201).Map(t)
	secret, tokID := tok["token"].(string), tok["id"].(string)
	slug := fmt.Sprintf("zgodovina-imen-%d", time.Now().UnixNano()%1e9)
	id := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: secret,
		Body: apitest.MinimalPartnership(slug, "Zgodovina imen")}), 201).Map(t)["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken,
		Body: map[string]any{"sort": 7}, Headers: map[string]string{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"}}), 200)

	actors := func() map[float64]map[string]any {
		out := map[float64]map[string]any{}
		for _, v := range apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + id + "/versions", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any) {
			m := v.(map[string]any)
			out[m["version"].(float64)] = m["actor"].(map[string]any)
		}
		return out
	}
	a := actors()
	if a[1]["type"] != "token" || a[1]["id"] != tokID || a[1]["name"] != "Ana Novak" {
		t.Fatalf("version 1 by %v, want token %s named Ana Novak", a[1], tokID)
	}
	if a[2]["type"] != "token" || a[2]["name"] == "" {
		t.Fatalf("version 2 by %v, want the admin token by name", a[2])
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/tokens/" + tokID, Token: apitest.AdminToken}), 204)
	if a = actors(); a[1]["id"] != tokID || a[1]["name"] != "" {
		t.Fatalf("a revoked token's version by %v", a[1])
	}
}
