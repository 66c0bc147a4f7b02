package content_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// Every content write through the API ends in exactly one Change, told
// before the answer, with what was done, to which version, the statuses
// before and after, the changed fields, who (the token, never its secret),
// the request id and the client; refused and no-op requests tell nothing.
func TestEveryContentWriteTellsTheHookOnce(t *testing.T) {
	s, rec := apitest.Recorded(t)
	ed := s.NewToken(t, "editor")
	me := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: ed}), 200).Map(t)
	actor := models.Actor{TokenID: me["id"].(string), Name: me["name"].(string)}
	rec.None(t, "token create") // tokens are not content

	call := func(method, path string, version int, body any, rid string) apitest.Resp {
		r := apitest.Req{Method: method, Path: path, Token: ed, Body: body, Headers: map[string]string{"X-Request-Id": rid}}
		if version > 0 {
			r.Headers["If-Match"] = apitest.IfMatch(version)["If-Match"]
		}
		return s.Do(t, r)
	}
	check := func(c models.Change, res models.Resource, id, key string, act models.Action, v int64, old, cur models.Status, changed, rid string) {
		t.Helper()
		if c.Resource != res || c.ID != id || c.Key != key || c.Action != act || c.Version != v || c.OldStatus != old ||
			c.NewStatus != cur || strings.Join(c.Changed, ",") != changed || c.Actor != actor || c.RequestID != rid ||
			c.Client != "127.0.0.1" || c.At.IsZero() {
			t.Fatalf("change %+v, want %s %s %s %s v%d %q→%q changed %q by %+v request %s", c, res, id, key, act, v, old, cur, changed, actor, rid)
		}
	}

	p := apitest.Expect(t, call("POST", "/api/v1/partnerships", 0, apitest.MinimalPartnership("hooked", "Kavelj"), "hook-1"), 201).Map(t)
	id := p["id"].(string)
	path := "/api/v1/partnerships/" + id
	check(rec.One(t, "create"), models.ResourcePartnership, id, "hooked", models.ActionCreate, 1, "", models.StatusDraft, "", "hook-1")

	apitest.Expect(t, call("PATCH", path, 1, map[string]any{"relation": "twin"}, "hook-2"), 200)
	rec.None(t, "a patch that changes nothing")
	apitest.ExpectProblem(t, call("PATCH", path, 1, map[string]any{"relation": "cousin"}, "hook-3"), 422, "validation-failed")
	apitest.ExpectProblem(t, call("PATCH", path, 7, map[string]any{"sort": 2}, "hook-4"), 412, "version-mismatch")
	apitest.ExpectProblem(t, call("PATCH", path, 1, map[string]any{"crest_id": "0123456789abcdef01234567"}, "hook-5"), 422, "validation-failed")
	rec.None(t, "refused patches")

	apitest.Expect(t, call("PATCH", path, 1, map[string]any{"sort": 2, "areas": []string{"culture"}}, "hook-6"), 200)
	check(rec.One(t, "patch"), models.ResourcePartnership, id, "hooked", models.ActionUpdate, 2, models.StatusDraft, models.StatusDraft, "areas,sort", "hook-6")

	apitest.Expect(t, call("POST", path+"/publish", 2, nil, "hook-7"), 200)
	check(rec.One(t, "publish"), models.ResourcePartnership, id, "hooked", models.ActionPublish, 3, models.StatusDraft, models.StatusPublished, "status", "hook-7")
	apitest.ExpectProblem(t, call("POST", path+"/publish", 3, nil, "hook-8"), 409, "conflict")
	rec.None(t, "publishing the published")

	apitest.Expect(t, call("POST", path+"/versions/1/restore", 3, nil, "hook-9"), 200)
	check(rec.One(t, "restore"), models.ResourcePartnership, id, "hooked", models.ActionRestore, 4, models.StatusPublished, models.StatusPublished, "areas,sort", "hook-9")
	apitest.Expect(t, call("POST", path+"/unpublish", 4, nil, "hook-10"), 200)
	check(rec.One(t, "unpublish"), models.ResourcePartnership, id, "hooked", models.ActionUnpublish, 5, models.StatusPublished, models.StatusDraft, "status", "hook-10")
	apitest.Expect(t, call("POST", path+"/archive", 5, nil, "hook-11"), 200)
	check(rec.One(t, "archive"), models.ResourcePartnership, id, "hooked", models.ActionArchive, 6, models.StatusDraft, models.StatusArchived, "status", "hook-11")

	apitest.ExpectProblem(t, call("DELETE", path, 5, nil, "hook-12"), 412, "version-mismatch")
	rec.None(t, "a stale delete")
	apitest.Expect(t, call("DELETE", path, 6, nil, "hook-13"), 204)
	check(rec.One(t, "delete"), models.ResourcePartnership, id, "hooked", models.ActionDelete, 0, models.StatusArchived, "", "", "hook-13")

	b := apitest.Expect(t, call("POST", "/api/v1/blocks", 0, map[string]any{"key": "hooked-block", "body": map[string]string{"sl": "<p>Besedilo</p>"}}, "hook-14"), 201).Map(t)
	check(rec.One(t, "block create"), models.ResourceBlock, b["id"].(string), "hooked-block", models.ActionCreate, 1, "", models.StatusDraft, "", "hook-14")
	pg := apitest.Expect(t, call("POST", "/api/v1/pages", 0, map[string]any{"slug": "hooked-page", "title": map[string]string{"sl": "Stran"}}, "hook-15"), 201).Map(t)
	check(rec.One(t, "page create"), models.ResourcePage, pg["id"].(string), "hooked-page", models.ActionCreate, 1, "", models.StatusDraft, "", "hook-15")
	apitest.Expect(t, call("POST", "/api/v1/pages/"+pg["id"].(string)+"/publish", 1, nil, "hook-16"), 200)
	check(rec.One(t, "page publish"), models.ResourcePage, pg["id"].(string), "hooked-page", models.ActionPublish, 2, models.StatusDraft, models.StatusPublished, "status", "hook-16")

	// Version history records the actor as before: "token:<id>".
	hist := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/pages/" + pg["id"].(string) + "/versions", Token: ed}), 200).Map(t)
	for _, v := range hist["items"].([]any) {
		if by := v.(map[string]any)["by"]; by != "token:"+actor.TokenID {
			t.Fatalf("version by %v, want token:%s", by, actor.TokenID)
		}
	}
	rec.None(t, "reads")
}

// Demo loading writes through the content service as the actor "demo",
// as its version history always said.
func TestDemoContentIsByDemo(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	list := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships?q=valjevo", Token: ed}), 200).Map(t)
	items := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("valjevo: %v", list)
	}
	p := items[0].(map[string]any)
	hist := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships/" + p["id"].(string) + "/versions", Token: ed}), 200).Map(t)
	var actions []string
	for _, v := range hist["items"].([]any) {
		v := v.(map[string]any)
		if v["by"] != "demo" {
			t.Fatalf("version %v by %v, want demo", v["version"], v["by"])
		}
		actions = append(actions, v["action"].(string))
	}
	if p["created_by"] != "demo" || !slices.Equal(actions, []string{"publish", "update", "create"}) {
		t.Fatalf("valjevo created by %v, history %v", p["created_by"], actions)
	}
}

// PublishVersion publishes exactly version n's content although the draft
// moved on: one write, recorded as a publish by the system actor, seen by
// the public API at once; stale, unknown and repeated requests are refused.
func TestPublishVersionPublishesThatVersion(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	id := apitest.Create(t, shared, ed, apitest.MinimalPartnership("frozen", "Prva"))["id"].(string)
	path := "/api/v1/partnerships/" + id
	// Other tests count the shared server's published partnerships.
	t.Cleanup(func() {
		cur := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200).Map(t)
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(cur["version"])}), 204)
	})
	for v, name := range []string{"Druga", "Tretja"} {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(v + 1),
			Body: map[string]any{"partner": map[string]any{"name": map[string]string{"sl": name}}}}), 200)
	}
	parts := shared.CMS.Content.Partnerships
	ctx := models.WithActor(context.Background(), models.Actor{Name: "schedule"})
	if _, err := parts.PublishVersion(ctx, id, 2, 2); !errors.Is(err, models.ErrStale) {
		t.Fatalf("stale expected version: %v", err)
	}
	if _, err := parts.PublishVersion(ctx, id, 9, 3); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("unknown version: %v", err)
	}
	// Version 2 goes public; the newer draft (version 3's Tretja) stays
	// the record's draft.
	got, err := parts.PublishVersion(ctx, id, 2, 3)
	if err != nil || got.Version != 4 || got.Status != models.StatusPublished || got.Partner.Name["sl"] != "Tretja" ||
		got.PublishedVersion == nil || *got.PublishedVersion != 2 || got.DraftVersion == nil || *got.DraftVersion != 4 {
		t.Fatalf("publish version 2: %+v, %v", got, err)
	}
	if _, err := parts.PublishVersion(ctx, id, 2, 4); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("publishing the published content again: %v", err)
	}

	cur := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200).Map(t)
	if cur["version"].(float64) != 4 || cur["status"] != "published" || cur["published_at"] == nil || cur["updated_by"] != "schedule" {
		t.Fatalf("current: %v", cur)
	}
	pub := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/frozen"}), 200).Map(t)
	if pub["name"] != "Druga" {
		t.Fatalf("public name %v, want version 2's Druga", pub["name"])
	}
	hist := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path + "/versions", Token: ed}), 200).Map(t)
	top := hist["items"].([]any)[0].(map[string]any)
	if top["version"].(float64) != 4 || top["action"] != "publish" || top["by"] != "schedule" || fmt.Sprint(top["changed"]) != "[status published_version]" {
		t.Fatalf("history: %v", top)
	}

	// Published already, a later version's content replaces it, still published.
	got, err = parts.PublishVersion(ctx, id, 3, 4)
	if err != nil || got.Version != 5 || got.Status != models.StatusPublished || got.Partner.Name["sl"] != "Tretja" {
		t.Fatalf("publish version 3 over published 2: %+v, %v", got, err)
	}
	if pub := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/frozen"}), 200).Map(t); pub["name"] != "Tretja" {
		t.Fatalf("public name %v, want Tretja", pub["name"])
	}
}
