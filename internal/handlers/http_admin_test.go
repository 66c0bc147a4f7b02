package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// The admin UI is served from the binary at /admin with security headers
// that allow only our own scripts and styles plus the object store.
func TestAdminUIServedWithSecurityHeaders(t *testing.T) {
	s := apitest.Shared(t)
	s3 := s.CMS.Objects.PublicOrigin()
	cases := []struct {
		path, ctype, contains string
	}{
		{"/admin/", "text/html", `<main id="view"`},
		{"/admin/app.js", "javascript", "export async function route"},
		{"/admin/i18n.js", "javascript", "Napačen ali preklican žeton"},
		{"/admin/style.css", "text/css", ":root"},
		{"/", "text/html", "Pobratene in prijateljske občine"},
		{"/site/app.js", "javascript", "labels"},
	}
	for _, tc := range cases {
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: tc.path}), 200)
		if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, tc.ctype) {
			t.Errorf("%s: content type %q", tc.path, ct)
		}
		if !strings.Contains(string(r.Body), tc.contains) {
			t.Errorf("%s: body lacks %q", tc.path, tc.contains)
		}
		csp := r.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'",
			"connect-src 'self' " + s3, "img-src 'self' blob: data: " + s3} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", tc.path, csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") != "no-referrer" || r.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", tc.path, r.Header)
		}
	}
	// No inline script or style in the UI's page: everything comes from files.
	page := string(s.Do(t, apitest.Req{Method: "GET", Path: "/admin/"}).Body)
	if !strings.Contains(page, `<script type="module" src="app.js">`) {
		t.Fatalf("/admin/ names its modules relatively: %s", page)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") || strings.Contains(page, "<style") || strings.Contains(page, "onclick") {
		t.Fatalf("inline code in /admin: %s", page)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/admin/nope.js"}), 404, "not-found")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/admin/..%2Fserver.go"}), 404, "not-found")
}

// /admin redirects to /admin/ (keeping the query), where the page's
// relative asset paths resolve under /admin/.
func TestAdminWithoutSlashRedirects(t *testing.T) {
	s := apitest.Shared(t)
	for path, want := range map[string]string{"/admin": "/admin/", "/admin?lang=en": "/admin/?lang=en"} {
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path}), 302)
		if loc := r.Header.Get("Location"); loc != want {
			t.Errorf("%s: Location %q, want %q", path, loc, want)
		}
	}
}

// Only the hashing worker may compile WebAssembly (its SHA-256); the page
// and its modules may not.
func TestAdminOnlyHashWorkerRunsWasm(t *testing.T) {
	s := apitest.Shared(t)
	w := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/admin/hashworker.js"}), 200)
	if csp := w.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'wasm-unsafe-eval';") {
		t.Fatalf("worker CSP %q", csp)
	}
	for _, p := range []string{"/admin/", "/admin/app.js", "/admin/hash-wasm-sha256-4.12.0.umd.min.js", "/admin/sha256wasm.js", "/admin/readworker.js"} {
		if csp := s.Do(t, apitest.Req{Method: "GET", Path: p}).Header.Get("Content-Security-Policy"); strings.Contains(csp, "wasm") {
			t.Errorf("%s: CSP %q allows WebAssembly", p, csp)
		}
	}
}

// GET /me says who a token is, for every role; a wrong token is 401.
func TestMeNamesTheToken(t *testing.T) {
	s := apitest.Shared(t)
	for _, role := range []string{"editor", "archivist", "admin"} {
		secret := s.NewToken(t, role)
		m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: secret}), 200).Map(t)
		if m["role"] != role || m["name"] != "test "+role || m["id"] == "" {
			t.Errorf("%s: %v", role, m)
		}
		if _, leaked := m["token"]; leaked {
			t.Errorf("%s: /me returns the secret", role)
		}
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me"}), 401, "unauthorized")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: "tcms_wrong"}), 401, "unauthorized")
}

// GET /storage counts documents and the bytes of originals and renditions.
func TestStorageUsageCountsDocuments(t *testing.T) {
	s := apitest.Shared(t)
	docs, err := s.CMS.Documents.All(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var bytes int64
	withdrawn := 0
	for _, d := range docs {
		bytes += d.File.Size
		for _, r := range d.Renditions {
			bytes += r.Size
		}
		if d.Status == "withdrawn" {
			withdrawn++
		}
	}
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/storage", Token: s.NewToken(t, "archivist")}), 200).Map(t)
	if int(m["documents"].(float64)) != len(docs) || int64(m["bytes"].(float64)) != bytes || int(m["withdrawn"].(float64)) != withdrawn || len(docs) == 0 {
		t.Fatalf("usage %v, want %d documents, %d withdrawn, %d bytes", m, len(docs), withdrawn, bytes)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/storage"}), 401, "unauthorized")
}

// The bucket answers a browser's CORS preflight for a direct upload, so
// the admin UI on another origin can PUT to a signed URL.
func TestObjectStoreAllowsBrowserUploads(t *testing.T) {
	s := apitest.Shared(t)
	r, err := http.NewRequest("OPTIONS", s.CMS.Objects.PublicOrigin()+"/"+s.Cfg.S3Bucket+"/uploads/some-key", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Origin", s.Base)
	r.Header.Set("Access-Control-Request-Method", "PUT")
	r.Header.Set("Access-Control-Request-Headers", "x-amz-checksum-sha256")
	res, err := apitest.Client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 || res.Header.Get("Access-Control-Allow-Origin") == "" ||
		!strings.Contains(strings.ToLower(res.Header.Get("Access-Control-Allow-Headers")), "x-amz-checksum-sha256") {
		t.Fatalf("preflight: %d %v", res.StatusCode, res.Header)
	}
}

// Archivists list partnerships (any status) to filter by and export,
// without reading the editors' records.
func TestArchivePartnershipsForArchivists(t *testing.T) {
	s := apitest.Shared(t)
	archivist := s.NewToken(t, "archivist")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Token: archivist}), 403, "forbidden")
	var out struct {
		Items []struct{ ID, Slug, Name, Status string }
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships", Token: archivist}), 200).JSON(t, &out)
	found := map[string]string{}
	for _, p := range out.Items {
		if p.ID == "" || p.Status == "" {
			t.Errorf("partial entry %+v", p)
		}
		found[p.Slug] = p.Name
	}
	if found["sentjakob-v-rozu"] != "Šentjakob v Rožu" || found["valjevo"] != "Valjevo" {
		t.Fatalf("archive partnerships %v", found)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships", Token: s.NewToken(t, "editor")}), 403, "forbidden")
}
