package archive_test

import (
	"bytes"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// syncBuffer is a log sink the server's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// The admin UI's download links: asked for with credentials, followed
// without them (as the browser's download manager does), good for one
// file, while it is what it was, for a few minutes; a tampered or expired
// link is a 403 problem, and the signature is never logged.
func TestDownloadLinks(t *testing.T) {
	var logs syncBuffer
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"},
		apitest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	p := apitest.Create(t, s, ed, apitest.MinimalPartnership("povezave", "Povezave"))
	pid := p["id"].(string)
	charter, scan := demo.PlaceholderPDF("charter of links"), demo.PlaceholderPDF("scan of links")
	up := func(title string, data []byte) string {
		meta := map[string]any{"kind": "charter", "title": map[string]string{"sl": title}, "partnership_ids": []string{pid}}
		return apitest.Expect(t, s.Upload(t, ed, meta, title+".pdf", "", data), 201).Map(t)["id"].(string)
	}
	a, b := up("Listina – Šentjakob", charter), up("Sken", scan)
	link := func(path, token string) map[string]any {
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path, Token: token}), 200)
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("%s: Cache-Control %q", path, cc)
		}
		return r.Map(t)
	}

	// An archivist's link to an original: the bytes, their digest and name, no credentials.
	orig := link("/api/v1/archive/documents/"+a+"/original-link", ar)
	u := orig["url"].(string)
	if !strings.HasPrefix(u, "/api/v1/downloads/originals/"+a+"?v="+apitest.SHA(charter)+"&exp=") || orig["sha256"] != apitest.SHA(charter) ||
		orig["filename"] != "Listina – Šentjakob.pdf" || orig["size"] != float64(len(charter)) {
		t.Fatalf("original link %v", orig)
	}
	exp, err := time.Parse(time.RFC3339, orig["expires_at"].(string))
	if err != nil || exp.Before(time.Now().Add(time.Minute)) || exp.After(time.Now().Add(10*time.Minute)) {
		t.Fatalf("expires_at %v (%v): not a few minutes from now", orig["expires_at"], err)
	}
	got := apitest.Expect(t, s.Do(t, apitest.Req{Path: u}), 200)
	if !bytes.Equal(got.Body, charter) || got.Header.Get("X-Checksum-Sha256") != apitest.SHA(charter) ||
		!strings.Contains(got.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(got.Header.Get("Content-Disposition"), "filename*=UTF-8''Listina%20%E2%80%93%20%C5%A0entjakob.pdf") {
		t.Fatalf("download: %d bytes, headers %v", len(got.Body), got.Header)
	}
	// A download manager resumes with a range.
	part := apitest.Expect(t, s.Do(t, apitest.Req{Path: u, Headers: map[string]string{"Range": "bytes=10-"}}), 206)
	if !bytes.Equal(part.Body, charter[10:]) {
		t.Fatal("the resumed range differs")
	}
	// A range past the end (a resume of another, longer file) is refused.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: u, Headers: map[string]string{"Range": "bytes=99999999-"}}), 416, "range-not-satisfiable")

	// Tampering: another document, another kind, another binding, a later
	// expiry, a changed or missing signature, an id that is no document:
	// each a 403 problem, before anything is read.
	q := u[strings.Index(u, "?"):]
	vals, _ := url.ParseQuery(q[1:])
	sig := vals.Get("sig")
	later := strings.Replace(q, "exp="+vals.Get("exp"), "exp="+vals.Get("exp")+"0", 1)
	flipped := sig[:len(sig)-2] + map[bool]string{true: "AA", false: "AB"}[!strings.HasSuffix(sig, "AA")]
	for name, bad := range map[string]string{
		"another document":       "/api/v1/downloads/originals/" + b + q,
		"another kind":           "/api/v1/downloads/documents/" + a + q,
		"another binding":        "/api/v1/downloads/originals/" + a + strings.Replace(q, "v="+apitest.SHA(charter), "v="+apitest.SHA(scan), 1),
		"a later expiry":         "/api/v1/downloads/originals/" + a + later,
		"a changed signature":    "/api/v1/downloads/originals/" + a + strings.Replace(q, sig, flipped, 1),
		"no signature":           "/api/v1/downloads/originals/" + a + "?v=" + apitest.SHA(charter) + "&exp=" + vals.Get("exp"),
		"nothing":                "/api/v1/downloads/originals/" + a,
		"an id of no document":   "/api/v1/downloads/originals/000000000000000000000000" + q,
		"not an id":              "/api/v1/downloads/originals/..%2Fx" + q,
		"a partnership's bag":    "/api/v1/downloads/bags/" + a + q,
		"an expiry not a number": "/api/v1/downloads/originals/" + a + "?v=" + apitest.SHA(charter) + "&exp=soon&sig=" + sig,
	} {
		r := s.Do(t, apitest.Req{Path: bad})
		apitest.ExpectProblem(t, r, 403, "link-invalid")
		if bytes.Contains(r.Body, charter[:20]) {
			t.Fatalf("%s: the refusal carries the file", name)
		}
	}
	// Expired: signed ten minutes ago, so five minutes past its end.
	old, _ := s.CMS.DownloadLinks.URL("", "original", a, apitest.SHA(charter), time.Now().Add(-10*time.Minute))
	if r := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: old}), 403, "link-invalid"); !strings.Contains(r["detail"].(string), "expired") {
		t.Fatalf("expired link: %v", r)
	}

	// An editor's link redirects to the object store under the file's name;
	// a withdrawn document has none, and a link made before the withdrawal stops.
	doc := link("/api/v1/documents/"+b+"/download-link", ed)
	du := doc["url"].(string)
	if !strings.HasPrefix(du, "/api/v1/downloads/documents/"+b+"?") {
		t.Fatalf("editor link %v", doc)
	}
	if r := s.FollowLink(t, du); r.Status != 200 || !bytes.Equal(r.Body, scan) || !strings.Contains(r.Header.Get("Content-Disposition"), "Sken.pdf") {
		t.Fatalf("editor download: %d, %v", r.Status, r.Header)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + b, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: du}), 410, "gone")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + b + "/download-link", Token: ed}), 410, "gone")
	// The archivist still reaches the withdrawn original.
	wd := link("/api/v1/archive/documents/"+b+"/original-link", ar)
	apitest.Expect(t, s.Do(t, apitest.Req{Path: wd["url"].(string)}), 200)

	// Roles: an editor gets no archive link, nobody gets one without credentials.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + a + "/original-link", Token: ed}), 403, "forbidden")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/partnerships/" + pid + "/bag-link", Token: ed}), 403, "forbidden")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + a + "/download-link"}), 401, "unauthorized")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/000000000000000000000000/download-link", Token: ed}), 404, "not-found")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/partnerships/000000000000000000000000/bag-link", Token: ar}), 404, "not-found")

	// A bag link: the zip, bound to the partnership's version.
	bag := link("/api/v1/archive/partnerships/"+pid+"/bag-link", ar)
	zip := apitest.Expect(t, s.Do(t, apitest.Req{Path: bag["url"].(string)}), 200)
	if zip.Header.Get("Content-Type") != "application/zip" || !bytes.HasPrefix(zip.Body, []byte("PK")) || bag["filename"] != "povezave-bag.zip" {
		t.Fatalf("bag: %v %v", zip.Header, bag)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/partnerships/" + pid, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"partner": map[string]any{"name": map[string]string{"sl": "Povezave in še kaj"}}}}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: bag["url"].(string)}), 403, "link-invalid")

	// A good link to a document purged since: 404.
	gone := link("/api/v1/archive/documents/"+a+"/original-link", ar)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + a + "/purge", Token: apitest.AdminToken}), 204)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: gone["url"].(string)}), 404, "not-found")

	// Well signed links to what never was (or is no more): 404, the
	// signature checked first.
	for _, kind := range []string{"document", "original", "bag"} {
		u, _ := s.CMS.DownloadLinks.URL("", kind, "000000000000000000000000", "1", time.Now())
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: u}), 404, "not-found")
	}

	// Nothing logged carries a signature.
	for _, l := range []map[string]any{orig, doc, wd, bag} {
		v, _ := url.ParseQuery(l["url"].(string)[strings.Index(l["url"].(string), "?")+1:])
		if strings.Contains(logs.String(), v.Get("sig")) {
			t.Fatalf("the log holds a link's signature:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "/api/v1/downloads/originals/"+a) {
		t.Fatalf("the access log has no line for the download (is it on?):\n%.2000s", logs.String())
	}
}
