package preview_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

type previewLink struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

type previewBody struct {
	Resource string `json:"resource"`
	Version  int    `json:"version"`
	Status   string `json:"status"`
	Page     *struct {
		Title string `json:"title"`
	} `json:"page"`
	Partnership *struct {
		Name string `json:"name"`
	} `json:"partnership"`
}

// previewData reads what a preview link's token grants, as the preview
// page's script does (no token of an account).
func previewData(t *testing.T, s *apitest.Server, link previewLink, locale string) apitest.Resp {
	t.Helper()
	u, err := url.Parse(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	return s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/preview?locale=" + locale + "&token=" + url.QueryEscape(u.Query().Get("token"))})
}

func checkPrivate(t *testing.T, r apitest.Resp) {
	t.Helper()
	if cc := r.Header.Get("Cache-Control"); cc != "private, no-store" {
		t.Errorf("Cache-Control %q, want private, no-store", cc)
	}
	if xr := r.Header.Get("X-Robots-Tag"); !strings.Contains(xr, "noindex") {
		t.Errorf("X-Robots-Tag %q, want noindex", xr)
	}
}

// A preview link shows the current draft of a page to someone without an
// account on the demo site, marked as a draft, privately; it stops working
// when revoked or expired.
func TestPreviewLinkOfDraftPage(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	pg := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages", Token: ed,
		Body: map[string]any{"slug": "preview-page", "title": map[string]string{"sl": "Predogled osnutka", "en": "Draft to approve"}}}), 201).Map(t)
	path := "/api/v1/pages/" + pg["id"].(string)
	var link previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{}}), 201).JSON(t, &link)
	if d := time.Until(link.ExpiresAt); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
		t.Fatalf("default expiry in %s, want 7 days", d)
	}
	u, err := url.Parse(link.URL)
	if err != nil || u.Path != "/preview" || len(u.Query().Get("token")) < 40 || u.Host != strings.TrimPrefix(s.Base, "http://") {
		t.Fatalf("preview url %q", link.URL)
	}

	// The demo site's preview page: marked, not cached, not indexed.
	html := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: u.RequestURI()}), 200)
	checkPrivate(t, html)
	for _, want := range []string{"Osnutek — predogled", "Draft preview", `name="robots" content="noindex`} {
		if !strings.Contains(string(html.Body), want) {
			t.Fatalf("the preview page lacks %q", want)
		}
	}

	got := apitest.Expect(t, previewData(t, s, link, "en"), 200)
	checkPrivate(t, got)
	var v previewBody
	got.JSON(t, &v)
	if v.Resource != "page" || v.Status != "draft" || v.Page == nil || v.Page.Title != "Draft to approve" {
		t.Fatalf("preview: %s", got.Body)
	}
	// It shows the draft as it is now, and the draft is still not public.
	apitest.PatchTo(t, s, ed, path, 1, map[string]any{"title": map[string]string{"en": "Draft, second reading"}})
	apitest.Expect(t, previewData(t, s, link, "en"), 200).JSON(t, &v)
	if v.Version != 2 || v.Page.Title != "Draft, second reading" {
		t.Fatalf("preview after an edit: %+v", v)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/preview-page"}), 404, "not-found")

	// Revoked: it stops at once; revoking again finds nothing.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path + "/preview-links/" + link.ID, Token: ed}), 204)
	apitest.ExpectProblem(t, previewData(t, s, link, "en"), 403, "link-invalid")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path + "/preview-links/" + link.ID, Token: ed}), 404, "not-found")

	// Expired: a one-second link stops working.
	var short previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{"expires_in": 1}}), 201).JSON(t, &short)
	time.Sleep(1500 * time.Millisecond)
	apitest.ExpectProblem(t, previewData(t, s, short, "sl"), 403, "link-invalid")

	// A token that was never issued, or tampered with.
	tampered := previewLink{URL: link.URL[:len(link.URL)-3] + "abc"}
	apitest.ExpectProblem(t, previewData(t, s, tampered, "sl"), 403, "link-invalid")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/preview"}), 403, "link-invalid")
}

// A partnership's draft can be previewed too; bad requests are problems.
func TestPreviewLinkOfDraftPartnership(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("preview-town", "Mesto v predogledu"))
	path := apitest.PartnershipPath(p)
	var link previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{"expires_in": 3600}}), 201).JSON(t, &link)
	if d := time.Until(link.ExpiresAt); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("expiry in %s, want 1 h", d)
	}
	var v previewBody
	apitest.Expect(t, previewData(t, s, link, "sl"), 200).JSON(t, &v)
	if v.Resource != "partnership" || v.Partnership == nil || v.Partnership.Name != "Mesto v predogledu" {
		t.Fatalf("partnership preview: %+v", v)
	}
	apitest.ExpectProblem(t, previewData(t, s, link, "x!"), 400, "malformed-request")

	for _, c := range []struct {
		name   string
		body   any
		status int
		typ    string
	}{
		{"too long", map[string]any{"expires_in": 31 * 24 * 3600}, 422, "validation-failed"},
		{"negative", map[string]any{"expires_in": -5}, 422, "validation-failed"},
		{"unknown field", map[string]any{"expires_in": 60, "token": "mine"}, 400, "malformed-request"},
	} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: c.body}), c.status, c.typ)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/pages/0123456789abcdef01234567/preview-links", Token: ed, Body: map[string]any{}}), 404, "not-found")
	var second previewLink
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{}}), 201).JSON(t, &second)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path + "/preview-links/" + second.ID, Token: ed}), 204)
	apitest.ExpectProblem(t, previewData(t, s, second, "sl"), 403, "link-invalid")
	apitest.Expect(t, previewData(t, s, link, "sl"), 200) // the other link still works
	// Deleting the record ends its previews.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(1)}), 204)
	apitest.ExpectProblem(t, previewData(t, s, link, "sl"), 403, "link-invalid")
}
