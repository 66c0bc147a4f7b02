package publish_test

import (
	"image/color"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// linkedPartnership is a published partnership with one PDF and one crest,
// made through the API, and the public links the page hands out for them.
type linkedPartnership struct {
	id, slug      string
	docID, crest  string
	docSHA        string
	docLink, icon string // the PDF's link, the crest's 64 px rendition link
}

func publishWithLinks(t *testing.T, s *apitest.Server, ed, slug string, shade uint8) linkedPartnership {
	t.Helper()
	pdf := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("publication", "Zbornik "+t.Name()), "Zbornik – "+slug+".pdf", "", demo.PlaceholderPDF(t.Name()+slug)), 201).Map(t)
	shield := demo.ShieldPNG(color.NRGBA{R: shade, G: 31, B: 77, A: 255}, color.NRGBA{R: 9, G: shade, B: 140, A: 255})
	crest := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("crest", "Grb "+slug), "grb.png", "image/png", shield), 201).Map(t)
	body := apitest.MinimalPartnership(slug, "Povezave "+slug)
	body["crest_id"] = crest["id"]
	body["documents"] = []any{map[string]any{"document_id": pdf["id"], "role": "publication"}}
	p := apitest.Create(t, s, ed, body)
	path := "/api/v1/partnerships/" + p["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	// Other tests count the partners on the shared public page.
	t.Cleanup(func() {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200)
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 204)
	})
	lp := linkedPartnership{id: p["id"].(string), slug: slug, docID: pdf["id"].(string), crest: crest["id"].(string),
		docSHA: pdf["file"].(map[string]any)["sha256"].(string)}
	lp.docLink, lp.icon = publicLinks(t, s, slug)
	return lp
}

// publicLinks reads the partnership's public body and returns its first
// document's link and its crest's 64 px link ("" when absent).
func publicLinks(t *testing.T, s *apitest.Server, slug string) (doc, icon string) {
	t.Helper()
	var v struct {
		Documents []struct {
			URL string `json:"url"`
		} `json:"documents"`
		Crest *struct {
			Renditions map[string]struct {
				URL string `json:"url"`
			} `json:"renditions"`
		} `json:"crest"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + slug}), 200).JSON(t, &v)
	if len(v.Documents) > 0 {
		doc = v.Documents[0].URL
	}
	if v.Crest != nil {
		icon = v.Crest.Renditions["64"].URL
	}
	return doc, icon
}

// waitForStatus follows link on s until it answers status (bounded), and
// returns the last answer and how long it took.
func waitForStatus(t *testing.T, s *apitest.Server, link string, status int, within time.Duration) (apitest.Resp, time.Duration) {
	t.Helper()
	start := time.Now()
	for {
		r := s.FollowLink(t, link)
		if r.Status == status {
			return r, time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s still answers %d after %v, want %d", link, r.Status, within, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func expectLinkProblem(t *testing.T, r apitest.Resp, status int, typ string) {
	t.Helper()
	if r.Status != status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(string(r.Body), `"type":"urn:twincms:problem:`+typ+`"`) {
		t.Fatalf("status %d (%s), want %d problem %s: %s", r.Status, r.Header.Get("Content-Type"), status, typ, r.Body)
	}
}

// A link taken from the public page downloads until its partnership is
// unpublished, or the document is withdrawn (possible only while no
// published content shows it) and the partnership is published again, or
// purged; after a restore the page's links work again. Crest renditions
// follow the same rule.
func TestWithdrawAndPurgeRevokeLinksAlreadyHandedOut(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	lp := publishWithLinks(t, shared, ed, "revoked-links", 41)
	got := apitest.Expect(t, shared.FollowLink(t, lp.docLink), 200)
	if apitest.SHA(got.Body) != lp.docSHA || !strings.Contains(got.Header.Get("Content-Disposition"), "filename*=UTF-8''Zbornik%20%E2%80%93%20revoked-links.pdf") ||
		got.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the link served other bytes or headers: %v", got.Header)
	}
	if r := apitest.Expect(t, shared.FollowLink(t, lp.icon), 200); r.Header.Get("Content-Type") != "image/png" || len(r.Body) == 0 {
		t.Fatalf("crest rendition: %v", r.Header)
	}

	// While the published page shows them, neither is withdrawn.
	for _, id := range []string{lp.docID, lp.crest} {
		apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: apitest.IfMatch(1)}), 409, "conflict")
	}
	apitest.Expect(t, shared.FollowLink(t, lp.docLink), 200)

	// Unpublishing the partnership takes its documents' links with it.
	path := "/api/v1/partnerships/" + lp.id
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	expectLinkProblem(t, shared.FollowLink(t, lp.docLink), 404, "not-found")
	expectLinkProblem(t, shared.FollowLink(t, lp.icon), 404, "not-found")

	// Withdrawn meanwhile and published again: the page leaves both out
	// and the links handed out before answer 410 at once.
	for _, id := range []string{lp.docID, lp.crest} {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	r, took := waitForStatus(t, shared, lp.docLink, 410, 5*time.Second)
	expectLinkProblem(t, r, 410, "gone")
	expectLinkProblem(t, shared.FollowLink(t, lp.icon), 410, "gone")
	t.Logf("withdrawn link refused after %v", took)

	// Restore: the page hands out a link again, and it downloads.
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + lp.docID + "/restore", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	fresh, _ := publicLinks(t, shared, lp.slug)
	if fresh == "" {
		t.Fatal("the restored document is not on the public page")
	}
	if got := apitest.Expect(t, shared.FollowLink(t, fresh), 200); apitest.SHA(got.Body) != lp.docSHA {
		t.Fatal("the restored document's link served other bytes")
	}

	// Purge: refused while shown; after the unpublish, gone for good.
	apitest.ExpectProblem(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + lp.docID + "/purge", Token: apitest.AdminToken}), 409, "conflict")
	apitest.Expect(t, shared.FollowLink(t, fresh), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(4)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + lp.docID + "/purge", Token: apitest.AdminToken}), 204)
	expectLinkProblem(t, shared.FollowLink(t, fresh), 404, "not-found")
	expectLinkProblem(t, shared.FollowLink(t, lp.docLink), 404, "not-found")
}

// Two instances on one database and store: a link handed out by one works
// on the other (the signing key is shared), and a withdrawal on the first
// cuts the link on the second within its change poll. The second instance
// has TWINCMS_S3_PUBLIC_URL set: its redirects name that host.
func TestASecondInstanceRevokesLinksWithinSeconds(t *testing.T) {
	shared := apitest.Shared(t)
	s3Host := strings.Replace(shared.CMS.EmbeddedS3.Addr(), "127.0.0.1", "localhost", 1)
	other := shared.Sibling(t, map[string]string{"TWINCMS_S3_PUBLIC_URL": "http://" + s3Host})
	ed := shared.NewToken(t, "editor")
	lp := publishWithLinks(t, shared, ed, "revoked-elsewhere", 97)

	start := time.Now()
	var theirs string
	for theirs == "" {
		if r := other.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/" + lp.slug}); r.Status == 200 {
			theirs, _ = publicLinks(t, other, lp.slug)
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("the other instance did not publish the partnership within 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, link := range []string{lp.docLink, theirs} {
		if got := apitest.Expect(t, other.FollowLink(t, link), 200); apitest.SHA(got.Body) != lp.docSHA {
			t.Fatal("the link served other bytes on the other instance")
		}
	}

	// Withdrawn while unpublished, then published again.
	path := "/api/v1/partnerships/" + lp.id
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + lp.docID, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	for _, link := range []string{lp.docLink, theirs} {
		r, took := waitForStatus(t, other, link, 410, 10*time.Second)
		expectLinkProblem(t, r, 410, "gone")
		t.Logf("the other instance refused the withdrawn link after %v", took.Round(100*time.Millisecond))
	}

	// Both instances hand out the same links in a window, and the second
	// one's redirects name TWINCMS_S3_PUBLIC_URL's host.
	if theirs != lp.docLink {
		t.Fatalf("the instances hand out different links in one window: %s vs %s", theirs, lp.docLink)
	}
	redirect := apitest.Expect(t, other.Do(t, apitest.Req{Method: "GET", Path: lp.icon}), 302)
	loc, err := url.Parse(redirect.Header.Get("Location"))
	if err != nil || loc.Host != s3Host {
		t.Fatalf("redirect to %v (%v), want host %s (TWINCMS_S3_PUBLIC_URL)", loc, err, s3Host)
	}
	apitest.Expect(t, apitest.Fetch(t, loc.String(), nil), 200)
}

// A link is good only as signed: another expiry, another document, another
// rendition or a changed signature is refused with a problem, and nothing
// is redirected.
func TestTamperedPublicLinksAreRefused(t *testing.T) {
	shared := apitest.Shared(t)
	ed := shared.NewToken(t, "editor")
	lp := publishWithLinks(t, shared, ed, "tampered-links", 163)
	if !strings.HasPrefix(lp.docLink, "/api/v1/public/files/"+lp.docID+"?") || !strings.HasPrefix(lp.icon, "/api/v1/public/files/"+lp.crest+"/64?") {
		t.Fatalf("links %q, %q are not twincms file links", lp.docLink, lp.icon)
	}
	u, err := url.Parse(lp.docLink)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	exp, sig := q.Get("exp"), q.Get("sig")
	flip := "A"
	if strings.HasSuffix(sig, "A") {
		flip = "B"
	}
	base := "/api/v1/public/files/"
	cases := map[string]string{
		"changed signature":  base + lp.docID + "?exp=" + exp + "&sig=" + sig[:len(sig)-1] + flip,
		"later expiry":       base + lp.docID + "?exp=" + exp + "0&sig=" + sig,
		"no signature":       base + lp.docID + "?exp=" + exp,
		"no expiry":          base + lp.docID + "?sig=" + sig,
		"expiry not numeric": base + lp.docID + "?exp=soon&sig=" + sig,
		"other document":     base + lp.crest + "?exp=" + exp + "&sig=" + sig,
		"added rendition":    base + lp.docID + "/64?exp=" + exp + "&sig=" + sig,
		"unknown document":   base + "0123456789abcdef01234567?exp=" + exp + "&sig=" + sig,
	}
	for name, link := range cases {
		r := shared.Do(t, apitest.Req{Method: "GET", Path: link})
		if r.Header.Get("Location") != "" {
			t.Errorf("%s: redirected to the store", name)
		}
		if r.Status != 403 || !strings.Contains(string(r.Body), `"type":"urn:twincms:problem:link-invalid"`) ||
			!strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	apitest.Expect(t, shared.FollowLink(t, lp.docLink), 200)
}

// Downloads and unrelated changes (which rebuild the snapshot) leave a
// public body and its ETag alone within a link window, and revalidation
// still answers 304.
func TestPublicETagIsStableAcrossDownloadsAndRebuilds(t *testing.T) {
	shared := apitest.Shared(t)
	path := "/api/v1/public/pages/pobratene-obcine?locale=de"
	first := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path}), 200)
	etag := first.Header.Get("ETag")
	var page publicPageBody
	first.JSON(t, &page)
	followed := 0
	for _, p := range page.Partnerships {
		if p.Slug == "nagold" && p.Crest != nil && len(p.Documents) > 0 {
			apitest.Expect(t, shared.FollowLink(t, p.Documents[0].URL), 200)
			apitest.Expect(t, shared.FollowLink(t, p.Crest.Renditions["256"].URL), 200)
			followed++
		}
	}
	if followed != 1 {
		t.Fatal("Nagold's links are not on the page")
	}
	// Signatures are made to the second: an unrelated change a second
	// later rebuilds the snapshot, and the page must not change.
	time.Sleep(1100 * time.Millisecond)
	ed := shared.NewToken(t, "editor")
	draft := apitest.Create(t, shared, ed, apitest.MinimalPartnership("etag-unrelated-draft", "Osnutek"))
	t.Cleanup(func() {
		apitest.Expect(t, shared.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + draft["id"].(string), Token: ed, Headers: apitest.IfMatch(1)}), 204)
	})
	again := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path}), 200)
	if again.Header.Get("ETag") != etag || string(again.Body) != string(first.Body) {
		t.Fatalf("ETag %s → %s after a download and an unrelated change", etag, again.Header.Get("ETag"))
	}
	nm := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: path, Headers: map[string]string{"If-None-Match": etag}}), 304)
	if len(nm.Body) != 0 || nm.Header.Get("ETag") != etag {
		t.Fatalf("304 with body %q, ETag %s", nm.Body, nm.Header.Get("ETag"))
	}
}
