package publish_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

type publicPageBody struct {
	Title        string `json:"title"`
	Partnerships []struct {
		Slug  string `json:"slug"`
		Name  string `json:"name"`
		Crest *struct {
			Renditions map[string]struct {
				URL   string `json:"url"`
				Width int    `json:"width"`
			} `json:"renditions"`
		} `json:"crest"`
		Documents []struct {
			ID          string    `json:"id"`
			Title       string    `json:"title"`
			Kind        string    `json:"kind"`
			Size        int64     `json:"size"`
			ContentType string    `json:"content_type"`
			URL         string    `json:"url"`
			ExpiresAt   time.Time `json:"expires_at"`
		} `json:"documents"`
	} `json:"partnerships"`
}

func TestPublicPageHasSignedLinksAndCachesWell(t *testing.T) {
	shared := apitest.Shared(t)
	r := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine?locale=sl"}), 200)
	var page publicPageBody
	r.JSON(t, &page)
	var slugs []string
	links := 0
	for _, p := range page.Partnerships {
		slugs = append(slugs, p.Slug)
		if p.Crest == nil || p.Crest.Renditions["64"].URL == "" || p.Crest.Renditions["256"].Width == 0 {
			t.Errorf("%s: no crest renditions", p.Slug)
		}
		links += len(p.Documents) + 2
	}
	if strings.Join(slugs, ",") != "valjevo,trbovlje,nagold,sentjakob-v-rozu,trbiz" || links != 18 {
		t.Fatalf("partners %v with %d links", slugs, links)
	}
	nagold := page.Partnerships[2]
	if len(nagold.Documents) != 4 || nagold.Documents[2].Title != "25 let pobratenih občin Nagold–Jesenice (Jubilejni zbornik)" {
		t.Fatalf("Nagold documents: %+v", nagold.Documents)
	}
	doc := nagold.Documents[0]
	if doc.Size == 0 || doc.ContentType != "application/pdf" || time.Until(doc.ExpiresAt) < 30*time.Minute {
		t.Fatalf("document link: %+v", doc)
	}
	got := apitest.Expect(t, shared.FollowLink(t, doc.URL), 200)
	stored := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + doc.ID, Token: apitest.AdminToken}), 200).Map(t)
	if apitest.SHA(got.Body) != stored["file"].(map[string]any)["sha256"] || !strings.Contains(got.Header.Get("Content-Disposition"), "filename*=UTF-8''Pogodba%20o%20sodelovanju%20%E2%80%93%20Nagold.pdf") {
		t.Fatalf("link served other bytes or name: %s", got.Header.Get("Content-Disposition"))
	}

	// Caching: strong ETag, 304, max-age well below the link lifetime.
	etag := r.Header.Get("ETag")
	maxAge, _ := strconv.Atoi(strings.TrimPrefix(r.Header.Get("Cache-Control"), "public, max-age="))
	if !strings.HasPrefix(etag, `"`) || maxAge <= 0 || time.Duration(maxAge)*time.Second > time.Until(doc.ExpiresAt)/4 {
		t.Fatalf("ETag %s, Cache-Control %q", etag, r.Header.Get("Cache-Control"))
	}
	again := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine?locale=sl"}), 200)
	if again.Header.Get("ETag") != etag || string(again.Body) != string(r.Body) {
		t.Fatal("the same window served another body")
	}
	nm := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine?locale=sl", Headers: map[string]string{"If-None-Match": etag}}), 304)
	if len(nm.Body) != 0 || nm.Header.Get("ETag") != etag {
		t.Fatalf("304 with body %q", nm.Body)
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine?locale=en", Headers: map[string]string{"If-None-Match": etag}}), 200)
}

func TestLinksAreRenewedInTheNextWindowAndExpire(t *testing.T) {
	shared := apitest.Shared(t)
	pub := shared.CMS.Published
	defer pub.SetClock(time.Now)
	first := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/trbiz?locale=it"}), 200)
	var a, b struct {
		Documents []struct {
			URL       string    `json:"url"`
			ExpiresAt time.Time `json:"expires_at"`
		} `json:"documents"`
	}
	first.JSON(t, &a)
	// Half a link lifetime later is the next window: new links, new ETag.
	later := time.Now().Add(shared.Cfg.LinkTTL/2 + time.Second)
	pub.SetClock(func() time.Time { return later })
	second := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/trbiz?locale=it"}), 200)
	second.JSON(t, &b)
	if second.Header.Get("ETag") == first.Header.Get("ETag") || !b.Documents[0].ExpiresAt.After(a.Documents[0].ExpiresAt) ||
		a.Documents[0].URL == b.Documents[0].URL {
		t.Fatalf("links not renewed: %v → %v", a.Documents[0].ExpiresAt, b.Documents[0].ExpiresAt)
	}
	// Both windows' links still work: each has over half its life left.
	apitest.Expect(t, shared.FollowLink(t, a.Documents[0].URL), 200)
	apitest.Expect(t, shared.FollowLink(t, b.Documents[0].URL), 200)

	// A link stops working when it expires: the first window's at its
	// expires_at, the second's later.
	expired := a.Documents[0].ExpiresAt
	pub.SetClock(func() time.Time { return expired })
	p := apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "GET", Path: a.Documents[0].URL}), 403, "link-invalid")
	if !strings.Contains(p["detail"].(string), "expired") {
		t.Fatalf("expired link: %v", p)
	}
	apitest.Expect(t, shared.FollowLink(t, b.Documents[0].URL), 200)

	// The object-store link a public link redirects to lives a minute and
	// cannot be tampered with.
	pub.SetClock(time.Now)
	loc := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: b.Documents[0].URL}), 302).Header.Get("Location")
	if !strings.Contains(loc, "X-Amz-Expires=60&") {
		t.Fatalf("redirect target %s does not live 60 s", loc)
	}
	apitest.Expect(t, apitest.Fetch(t, strings.Replace(loc, "X-Amz-Expires=60&", "X-Amz-Expires=3600&", 1), nil), 403)
}

func TestWithdrawnDocumentsLeaveThePublicPage(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	pdf := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("publication", "Zbornik "+t.Name()), "zbornik.pdf", "", demo.PlaceholderPDF(t.Name())), 201).Map(t)
	body := apitest.MinimalPartnership("withdraw-town", "Umik")
	body["documents"] = []any{map[string]any{"document_id": pdf["id"], "role": "publication"}}
	p := apitest.Create(t, shared, ed, body)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + p["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	count := func() int {
		var v struct {
			Documents []any `json:"documents"`
		}
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/withdraw-town"}), 200).JSON(t, &v)
		return len(v.Documents)
	}
	if n := count(); n != 1 {
		t.Fatalf("%d public documents before withdrawal", n)
	}
	// Not while the page shows it (internal/ingest's in-use tests); after
	// an unpublish it is withdrawn, and published again the page leaves it out.
	path := "/api/v1/partnerships/" + p["id"].(string)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + pdf["id"].(string), Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	if n := count(); n != 0 {
		t.Fatalf("a withdrawn document is still public (%d)", n)
	}
}

// Two instances on one database: a publish on one shows on the other
// within seconds, without change streams.
func TestASecondInstanceSeesPublishesWithinSeconds(t *testing.T) {
	shared := apitest.Shared(t)
	other := shared.Sibling(t, nil)
	ed := shared.NewToken(t, "editor")
	p := apitest.Create(t, shared, ed, apitest.MinimalPartnership("seen-elsewhere", "Drugje"))
	path := "/api/v1/public/partnerships/seen-elsewhere"
	apitest.ExpectProblem(t, other.Do(t, apitest.Req{Method: "GET", Path: path}), 404, "not-found")
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships/" + p["id"].(string) + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	start := time.Now()
	for other.Do(t, apitest.Req{Method: "GET", Path: path}).Status != 200 {
		if time.Since(start) > 10*time.Second {
			t.Fatal("the other instance did not notice the publish within 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("noticed after %v", time.Since(start).Round(100*time.Millisecond))
}
