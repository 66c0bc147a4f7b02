package handlers_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// PATCH /webhooks/{id} is a JSON merge patch (RFC 7396): it takes
// application/merge-patch+json as the content PATCHes do, and
// application/json as before; a null clears the description and cannot
// remove url, events or active; a new URL passes the SSRF guard; other
// media types are 415. Problems are RFC 9457 without internal text.
func TestWebhookPatchTakesMergePatch(t *testing.T) {
	s := apitest.Shared(t)
	if s.Cfg.WebhookAllowPrivate {
		t.Fatal("the shared server allows private webhook targets; this test needs the guard on")
	}
	// Inactive: nothing is delivered to the (unreachable) example host.
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/webhooks", Token: apitest.AdminToken,
		Body: map[string]any{"url": "https://hooks.example.org/patch", "events": []string{"page.published"},
			"description": "before", "active": false}}), 201).Map(t)
	path := "/api/v1/webhooks/" + m["id"].(string)
	defer s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: apitest.AdminToken})
	patch := func(contentType, body string) apitest.Resp {
		return s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: apitest.AdminToken, Body: body,
			Headers: map[string]string{"Content-Type": contentType}})
	}

	got := apitest.Expect(t, patch("application/merge-patch+json", `{"description":"merged","events":["page.published","page.updated"]}`), 200).Map(t)
	if got["description"] != "merged" || len(got["events"].([]any)) != 2 || got["active"] != false || got["url"] != "https://hooks.example.org/patch" {
		t.Fatalf("after the merge patch: %v", got)
	}
	got = apitest.Expect(t, patch("application/merge-patch+json; charset=utf-8", `{"description":null}`), 200).Map(t)
	if got["description"] != "" || len(got["events"].([]any)) != 2 {
		t.Fatalf("a null description: %v", got)
	}
	got = apitest.Expect(t, patch("application/json", `{"description":"plain json"}`), 200).Map(t)
	if got["description"] != "plain json" {
		t.Fatalf("after the application/json patch: %v", got)
	}

	for _, c := range []struct{ body, field string }{
		{`{"url":null}`, "url"}, {`{"events":null}`, "events"}, {`{"active":null}`, "active"},
		{`{"url":"http://[64:ff9b::7f00:1]/"}`, "url"}, {`{"url":"http://[2002:7f00:1::1]/"}`, "url"},
	} {
		r := patch("application/merge-patch+json", c.body)
		p := apitest.ExpectProblem(t, r, 422, "validation-failed")
		if !strings.Contains(string(apitest.MustJSON(t, p["errors"])), `"field":"`+c.field+`"`) {
			t.Errorf("%s: problem %v names no %s field", c.body, p, c.field)
		}
		checkClean(t, r.Body)
	}
	r := patch("text/plain", `{"description":"x"}`)
	apitest.ExpectProblem(t, r, 415, "unsupported-media-type")
	checkClean(t, r.Body)
	if d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: apitest.AdminToken}), 200).Map(t); d["description"] != "plain json" || d["url"] != "https://hooks.example.org/patch" {
		t.Fatalf("refused patches changed the webhook: %v", d)
	}
}
