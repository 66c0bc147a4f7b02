package content_test

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// draftState checks a record's published_version, draft_version (0: null)
// and has_unpublished_changes.
func draftState(t *testing.T, what string, rec map[string]any, published, draft int) {
	t.Helper()
	num := func(v any) int {
		if v == nil {
			return 0
		}
		return int(v.(float64))
	}
	if num(rec["published_version"]) != published || num(rec["draft_version"]) != draft || rec["has_unpublished_changes"] != (draft != 0) {
		t.Fatalf("%s: published_version %v, draft_version %v, has_unpublished_changes %v; want %d, %d",
			what, rec["published_version"], rec["draft_version"], rec["has_unpublished_changes"], published, draft)
	}
}

// An edit of a published partnership is a draft: the public body stays
// byte-identical until publish; the editor, the preview link and the diff
// show the draft; publish makes it public; discard brings the published
// content back; unpublish and archive keep the draft. The change hook
// tells draft changes from publishes.
func TestEditOfPublishedPartnershipStaysDraftUntilPublished(t *testing.T) {
	s, rec := apitest.Recorded(t)
	ed := s.NewToken(t, "editor")
	body := apitest.MinimalPartnership("valjevo-draft", "Valjevo")
	body["summary"] = map[string]string{"sl": "Pobrateno mesto", "en": "Twin town"}
	p := apitest.Create(t, s, ed, body)
	id := p["id"].(string)
	path := "/api/v1/partnerships/" + id
	draftState(t, "new", p, 0, 1)
	do := func(method, suffix string, version int, body any, want int) map[string]any {
		t.Helper()
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: method, Path: path + suffix, Token: ed, Headers: apitest.IfMatch(version), Body: body}), want)
		if want >= 300 {
			return nil
		}
		return r.Map(t)
	}
	draftState(t, "published", do("POST", "/publish", 1, nil, 200), 2, 0)
	public := func() []byte {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/valjevo-draft?locale=en"}), 200).Body
	}
	publicList := func() []byte {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships?locale=en"}), 200).Body
	}
	before, beforeList := public(), publicList()
	rec.Take()

	// PATCH: a draft; the public answers exactly as before.
	patched := apitest.PatchTo(t, s, ed, path, 2, map[string]any{"summary": map[string]string{"en": "Unreviewed text"}})
	draftState(t, "patched", patched, 2, 3)
	if patched["status"] != "published" {
		t.Fatalf("status after a draft edit: %v", patched["status"])
	}
	if c := rec.One(t, "draft edit"); c.Action != models.ActionDraftUpdate || models.WebhookEventOf(c) != "partnership.draft_updated" {
		t.Fatalf("draft edit told as %s (%s)", c.Action, models.WebhookEventOf(c))
	}
	if !bytes.Equal(public(), before) || !bytes.Equal(publicList(), beforeList) {
		t.Fatalf("the public changed before publish:\n%s\n%s", before, public())
	}
	got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200).Map(t)
	if got["summary"].(map[string]any)["en"] != "Unreviewed text" {
		t.Fatalf("the editor does not read the draft: %v", got["summary"])
	}
	// The preview link shows the draft.
	var link struct {
		URL string `json:"url"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{}}), 201).JSON(t, &link)
	u, _ := url.Parse(link.URL)
	pv := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/preview?locale=en&token=" + url.QueryEscape(u.Query().Get("token"))}), 200)
	if !strings.Contains(string(pv.Body), "Unreviewed text") {
		t.Fatalf("preview lacks the draft: %s", pv.Body)
	}
	rec.Take()
	// The diff of the draft against the published version.
	diff := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/3/diff?against=published", Token: ed}), 200).Map(t)
	if diff["from"].(float64) != 2 || !strings.Contains(string(apitest.MustJSON(t, diff["operations"])), `"/summary/en"`) {
		t.Fatalf("draft diff: %v", diff)
	}

	// Publish changes: the public gets the draft.
	draftState(t, "published draft", do("POST", "/publish", 3, nil, 200), 4, 0)
	if c := rec.One(t, "publish"); c.Action != models.ActionPublish || models.WebhookEventOf(c) != "partnership.published" {
		t.Fatalf("publish told as %s", c.Action)
	}
	after := public()
	if !strings.Contains(string(after), "Unreviewed text") {
		t.Fatalf("public after publish: %s", after)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(4)}), 409, "conflict")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/discard-draft", Token: ed, Headers: apitest.IfMatch(4)}), 409, "conflict")

	// Discard: the draft's content becomes the published one's again.
	apitest.PatchTo(t, s, ed, path, 4, map[string]any{"summary": map[string]string{"en": "Second thoughts"}, "sort": 7})
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/discard-draft", Token: ed}), 428, "precondition-required")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/discard-draft", Token: ed, Headers: apitest.IfMatch(4)}), 412, "version-mismatch")
	rec.Take()
	discarded := do("POST", "/discard-draft", 5, nil, 200)
	draftState(t, "discarded", discarded, 4, 0)
	if c := rec.One(t, "discard"); c.Action != models.ActionDiscardDraft || models.WebhookEventOf(c) != "partnership.draft_discarded" {
		t.Fatalf("discard told as %s", c.Action)
	}
	v4 := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/4", Token: ed}), 200).Map(t)["snapshot"].(map[string]any)
	for _, f := range []string{"summary", "sort", "partner", "relation"} {
		if string(apitest.MustJSON(t, discarded[f])) != string(apitest.MustJSON(t, v4[f])) {
			t.Fatalf("discard left %s as %v, published is %v", f, discarded[f], v4[f])
		}
	}
	if !bytes.Equal(public(), after) {
		t.Fatal("the public changed by a draft and its discard")
	}

	// Unpublish and archive act on the published state and keep the draft.
	apitest.PatchTo(t, s, ed, path, 6, map[string]any{"summary": map[string]string{"en": "Kept draft"}})
	un := do("POST", "/unpublish", 7, nil, 200)
	draftState(t, "unpublished", un, 4, 8)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/valjevo-draft"}), 404, "not-found")
	ar := do("POST", "/archive", 8, nil, 200)
	draftState(t, "archived", ar, 4, 9)
	if ar["summary"].(map[string]any)["en"] != "Kept draft" {
		t.Fatalf("archive lost the draft: %v", ar["summary"])
	}
	draftState(t, "republished", do("POST", "/publish", 9, nil, 200), 10, 0)
	if !strings.Contains(string(public()), "Kept draft") {
		t.Fatal("republish did not publish the kept draft")
	}
}

// Blocks and pages follow the same rules: a published page's public body
// with its block stays until each is published.
func TestEditOfPublishedBlockAndPageStaysDraftUntilPublished(t *testing.T) {
	s := apitest.Empty(t, nil)
	ed := s.NewToken(t, "editor")
	blk := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "draft-block", "body": map[string]any{"sl": "<p>Objavljeno</p>"}}}), 201).Map(t)
	pg := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
		Body: map[string]any{"slug": "draft-page", "title": map[string]any{"sl": "Stran"}, "blocks": []string{"draft-block"}}}), 201).Map(t)
	bpath, ppath := "/api/v1/blocks/"+blk["id"].(string), "/api/v1/pages/"+pg["id"].(string)
	for _, p := range []string{bpath, ppath} {
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: p + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	}
	page := func() []byte {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/draft-page"}), 200).Body
	}
	block := func() []byte {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/draft-block"}), 200).Body
	}
	pageBefore, blockBefore := page(), block()
	draftState(t, "block", apitest.PatchTo(t, s, ed, bpath, 2, map[string]any{"body": map[string]any{"sl": "<p>Osnutek</p>"}}), 2, 3)
	draftState(t, "page", apitest.PatchTo(t, s, ed, ppath, 2, map[string]any{"title": map[string]any{"sl": "Nov naslov"}}), 2, 3)
	if !bytes.Equal(page(), pageBefore) || !bytes.Equal(block(), blockBefore) {
		t.Fatal("a draft of a block or page went public")
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: bpath + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	if !strings.Contains(string(block()), "Osnutek") || !strings.Contains(string(page()), "Osnutek") || strings.Contains(string(page()), "Nov naslov") {
		t.Fatalf("after the block's publish: %s", page())
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: ppath + "/discard-draft", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	if got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: ppath, Token: ed}), 200).Map(t); got["title"].(map[string]any)["sl"] != "Stran" {
		t.Fatalf("discard did not restore the title: %v", got["title"])
	}
	// Never published: nothing to compare with or fall back to.
	fresh := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "fresh-block", "body": map[string]any{"sl": "<p>x</p>"}}}), 201).Map(t)
	fpath := "/api/v1/blocks/" + fresh["id"].(string)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: fpath + "/versions/1/diff?against=published", Token: ed}), 409, "conflict")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: fpath + "/discard-draft", Token: ed, Headers: apitest.IfMatch(1)}), 409, "conflict")
}

// unpublished_changes=true lists what waits for publishing: a new draft
// and a published record with a draft, not a published one without; a
// bad value is named (400).
func TestListOfUnpublishedChanges(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	for _, kind := range []struct{ base, key string }{{"/api/v1/partnerships", "slug"}, {"/api/v1/pages", "slug"}, {"/api/v1/blocks", "key"}} {
		var body map[string]any
		switch kind.base {
		case "/api/v1/partnerships":
			body = apitest.MinimalPartnership("caka-na-objavo", "Čaka")
		case "/api/v1/pages":
			body = map[string]any{"slug": "caka-na-objavo", "title": map[string]string{"sl": "Čaka"}}
		default:
			body = map[string]any{"key": "caka-na-objavo", "body": map[string]string{"sl": "Čaka"}}
		}
		rec := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: kind.base, Token: ed, Body: body}), 201).Map(t)
		path := kind.base + "/" + rec["id"].(string)
		// Other tests count what the shared server publishes.
		t.Cleanup(func() {
			cur := apitest.Expect(t, s.Do(t, apitest.Req{Path: path, Token: ed}), 200)
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
		})
		waiting := func(v string) bool {
			for _, it := range apitest.Expect(t, s.Do(t, apitest.Req{Path: kind.base + "?per_page=100&unpublished_changes=" + v, Token: ed}), 200).Map(t)["items"].([]any) {
				if it.(map[string]any)["id"] == rec["id"] {
					return true
				}
			}
			return false
		}
		if !waiting("true") || waiting("false") {
			t.Errorf("%s: a new draft is not listed as waiting", kind.base)
		}
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
		if waiting("true") || !waiting("false") {
			t.Errorf("%s: a published record without a draft is listed as waiting", kind.base)
		}
		edit := map[string]any{"title": map[string]string{"sl": "Čaka spet"}}
		if kind.base == "/api/v1/partnerships" {
			edit = map[string]any{"summary": map[string]string{"sl": "Čaka spet"}}
		}
		apitest.PatchTo(t, s, ed, path, 2, edit)
		if !waiting("true") {
			t.Errorf("%s: a published record with a draft is not listed as waiting", kind.base)
		}
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: kind.base + "?unpublished_changes=maybe", Token: ed}), 400, "malformed-request")
	}
}
