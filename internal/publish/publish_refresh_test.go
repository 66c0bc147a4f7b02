package publish_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/publish"
)

// refreshes reads the published snapshot's refresh counters from /metrics.
func refreshes(t *testing.T, s *apitest.Server) (full, partial int) {
	t.Helper()
	body := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200).Body
	read := func(kind string) int {
		m := regexp.MustCompile(`(?m)^twincms_published_refreshes_total\{kind="` + kind + `"\} (\d+)$`).FindSubmatch(body)
		if m == nil {
			t.Fatalf("/metrics has no %s refresh count", kind)
		}
		n, _ := strconv.Atoi(string(m[1]))
		return n
	}
	return read("full"), read("partial")
}

// publicDocumentCount is how many documents the public body of a
// partnership lists.
func publicDocumentCount(t *testing.T, s *apitest.Server, slug string) int {
	t.Helper()
	var v struct {
		Documents []any `json:"documents"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug}), 200).JSON(t, &v)
	return len(v.Documents)
}

// Publish, withdraw, unpublish and a block's publish show on the public
// routes of the writing instance as soon as the write is answered (read
// your writes), each by applying that one change: nothing is relisted.
func TestWritesUpdateThePublicSnapshotWithoutARelist(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	full, partial := refreshes(t, shared)

	// publishWithLinks reads the public body right after the publish.
	lp := publishWithLinks(t, shared, ed, "partial-refresh", 77)
	if n := publicDocumentCount(t, shared, lp.slug); n != 1 {
		t.Fatalf("%d public documents after the publish", n)
	}
	path := "/api/v1/partnerships/" + lp.id
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + lp.slug}), 404, "not-found")
	expectLinkProblem(t, shared.FollowLink(t, lp.icon), 404, "not-found")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + lp.docID, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	if n := publicDocumentCount(t, shared, lp.slug); n != 0 {
		t.Fatalf("a withdrawn document is still public (%d)", n)
	}
	expectLinkProblem(t, shared.FollowLink(t, lp.docLink), 410, "gone")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(4)}), 200)

	b := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "partial-refresh-block", "body": map[string]string{"sl": "<p>Delno</p>"}}}), 201).Map(t)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/partial-refresh-block"}), 404, "not-found")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks/" + b["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/partial-refresh-block"}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/blocks/" + b["id"].(string), Token: ed, Headers: apitest.IfMatch(2)}), 204)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/partial-refresh-block"}), 404, "not-found")

	fullAfter, partialAfter := refreshes(t, shared)
	if fullAfter != full {
		t.Errorf("%d full relists of published content for single changes", fullAfter-full)
	}
	// Two uploads, a create, two publishes, a withdraw, two unpublishes and three
	// block writes: each applied on its own.
	if partialAfter-partial < 11 {
		t.Errorf("%d changes applied, want at least 11", partialAfter-partial)
	}
}

// Two instances on one database: an unpublish and a block's publish made
// on one show on the other within the stated staleness (its change-counter
// poll; the bound asserted is generous, for a loaded machine), while the
// writing instance shows them at once.
func TestASecondInstanceFollowsChangesWithinTheStaleness(t *testing.T) {
	shared := apitest.Shared(t)
	other := shared.Sibling(t, nil)
	ed := shared.NewToken(t, "editor")
	within := 5 * publish.Staleness
	waitFor := func(path string, status int) {
		t.Helper()
		start := time.Now()
		for other.Do(t, apitest.Req{Method: "GET", Path: path}).Status != status {
			if time.Since(start) > within {
				t.Fatalf("the other instance still does not answer %d on %s after %v", status, path, within)
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("%s: %d on the other instance after %v", path, status, time.Since(start).Round(100*time.Millisecond))
	}

	p := apitest.Create(t, shared, ed, apitest.MinimalPartnership("followed-elsewhere", "Drugod"))
	path := "/api/v1/partnerships/" + p["id"].(string)
	public := "/api/v1/public/partnerships/followed-elsewhere"
	t.Cleanup(func() {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(3)}), 204)
	})
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 200)
	waitFor(public, 200)

	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")
	waitFor(public, 404)

	b := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "followed-block", "body": map[string]string{"sl": "<p>Drugod</p>"}}}), 201).Map(t)
	t.Cleanup(func() {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/blocks/" + b["id"].(string), Token: ed, Headers: apitest.IfMatch(2)}), 204)
	})
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks/" + b["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/followed-block"}), 200)
	waitFor("/api/v1/public/blocks/followed-block", 200)
}

// Public bodies carry Last-Modified; without If-None-Match, If-Modified-
// Since at or after it answers 304, before it the body.
func TestPublicBodiesAnswerIfModifiedSince(t *testing.T) {
	shared := apitest.Shared(t)
	path := "/api/v1/public/pages/pobratene-obcine?locale=sl"
	r := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path}), 200)
	lm, err := http.ParseTime(r.Header.Get("Last-Modified"))
	if err != nil || lm.After(time.Now()) {
		t.Fatalf("Last-Modified %q (%v)", r.Header.Get("Last-Modified"), err)
	}
	at := func(t time.Time) map[string]string {
		return map[string]string{"If-Modified-Since": t.UTC().Format(http.TimeFormat)}
	}
	nm := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Headers: at(lm)}), 304)
	if len(nm.Body) != 0 || nm.Header.Get("ETag") != r.Header.Get("ETag") {
		t.Fatalf("304 with body %q, ETag %s", nm.Body, nm.Header.Get("ETag"))
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Headers: at(lm.Add(-time.Second))}), 200)
	// If-None-Match decides when both are sent (RFC 9110 §13.2.2).
	both := at(lm)
	both["If-None-Match"] = `"another"`
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Headers: both}), 200)
}
