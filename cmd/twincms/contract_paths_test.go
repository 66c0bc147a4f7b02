package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// These tests walk the paths the rest of the suite leaves out, so every
// status the document promises is one a test has seen (apitest.AfterSuite).

// TestContentLifecycleAnswersAsDocumented drives each content type
// through create, duplicate, list, patch, the status actions (each twice:
// the second is a conflict), versions, restore and delete.
func TestContentLifecycleAnswersAsDocumented(t *testing.T) {
	ed := shared.newToken(t, "editor")
	bodies := map[string][2]map[string]any{
		"blocks":       {{"key": "life-a", "body": map[string]string{"sl": "a"}}, {"key": "life-b", "body": map[string]string{"sl": "b"}}},
		"pages":        {{"slug": "life-a", "title": map[string]string{"sl": "a"}}, {"slug": "life-b", "title": map[string]string{"sl": "b"}}},
		"partnerships": {minimalPartnership("life-a", "Življenje A"), minimalPartnership("life-b", "Življenje B")},
	}
	keyField := map[string]string{"blocks": "key", "pages": "slug", "partnerships": "slug"}
	for kind, b := range bodies {
		t.Run(kind, func(t *testing.T) {
			base := "/api/v1/" + kind
			a := expect(t, shared.do(t, req{Method: "POST", Path: base, Token: ed, Body: b[0]}), 201).Map(t)
			expect(t, shared.do(t, req{Method: "POST", Path: base, Token: ed, Body: b[1]}), 201)
			expectProblem(t, shared.do(t, req{Method: "POST", Path: base, Token: ed, Body: b[0]}), 409, "conflict")
			expect(t, shared.do(t, req{Method: "GET", Path: base + "?per_page=5", Token: ed}), 200)
			path := base + "/" + a["id"].(string)
			v := 1
			step := func(method, suffix string, body any, status int) resp {
				t.Helper()
				r := shared.do(t, req{Method: method, Path: path + suffix, Token: ed, Body: body, Headers: ifMatch(v)})
				if r.Status != status {
					t.Fatalf("%s %s: %d, want %d; %s", method, suffix, r.Status, status, r.Body)
				}
				if e := r.Header.Get("ETag"); e != "" {
					v, _ = strconv.Atoi(strings.Trim(e, `"`))
				}
				return r
			}
			step("PATCH", "", map[string]any{keyField[kind]: "life-b"}, 409)
			step("PATCH", "", map[string]any{keyField[kind]: "life-c"}, 200)
			step("POST", "/publish", nil, 200)
			step("POST", "/publish", nil, 409)
			step("POST", "/unpublish", nil, 200)
			step("POST", "/unpublish", nil, 409)
			step("POST", "/archive", nil, 200)
			step("POST", "/archive", nil, 409)
			expect(t, shared.do(t, req{Method: "GET", Path: path + "/versions", Token: ed}), 200)
			expect(t, shared.do(t, req{Method: "GET", Path: path + "/versions/1", Token: ed}), 200)
			step("POST", "/versions/1/restore", nil, 200)
			step("DELETE", "", nil, 204)
		})
	}
}

// TestDocumentStatusConflicts: withdrawing twice and restoring an active
// document are conflicts; a stale If-Match on a withdrawn one is 412.
func TestDocumentStatusConflicts(t *testing.T) {
	ed := shared.newToken(t, "editor")
	d := expect(t, shared.upload(t, ed, docMeta("scan", "Spor"), "spor.tif", "", append([]byte("II*\x00"), bytes.Repeat([]byte{7}, 64)...)), 201).Map(t)
	path := "/api/v1/documents/" + d["id"].(string)
	expectProblem(t, shared.do(t, req{Method: "POST", Path: path + "/restore", Token: ed, Headers: ifMatch(1)}), 409, "conflict")
	expect(t, shared.do(t, req{Method: "DELETE", Path: path, Token: ed, Headers: ifMatch(1)}), 200)
	expectProblem(t, shared.do(t, req{Method: "DELETE", Path: path, Token: ed, Headers: ifMatch(2)}), 409, "conflict")
	expectProblem(t, shared.do(t, req{Method: "POST", Path: path + "/restore", Token: ed, Headers: ifMatch(1)}), 412, "version-mismatch")
	expect(t, shared.do(t, req{Method: "POST", Path: path + "/restore", Token: ed, Headers: ifMatch(2)}), 200)
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/documents?kind=scan", Token: ed}), 200)
}

// TestPublicReadsRevalidateAndRefuseUnknownLocales: every public read
// answers 304 to its own ETag and 400 to a locale that is not offered.
func TestPublicReadsRevalidateAndRefuseUnknownLocales(t *testing.T) {
	for _, p := range []string{"/api/v1/public/pages/pobratene-obcine", "/api/v1/public/partnerships",
		"/api/v1/public/partnerships/nagold", "/api/v1/public/blocks/pobratene-obcine-uvod"} {
		r := expect(t, shared.do(t, req{Method: "GET", Path: p + "?locale=en"}), 200)
		expect(t, shared.do(t, req{Method: "GET", Path: p + "?locale=en", Headers: map[string]string{"If-None-Match": r.Header.Get("ETag")}}), 304)
		expectProblem(t, shared.do(t, req{Method: "GET", Path: p + "?locale=xx"}), 400, "malformed-request")
	}
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/api/v1/public/blocks/no-such-block"}), 404, "not-found")
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/vocabularies"}), 200)
}

// TestSiteAndDocsPages: the demo site and the API reference are served,
// and the reference's renderer is vendored (no CDN).
func TestSiteAndDocsPages(t *testing.T) {
	for _, p := range []string{"/", "/site/app.js", "/docs", "/docs/redoc.standalone.js"} {
		r := expect(t, shared.do(t, req{Method: "GET", Path: p}), 200)
		if bytes.Contains(r.Body, []byte("cdn.")) && strings.HasSuffix(p, "docs") {
			t.Errorf("%s loads from a CDN", p)
		}
	}
	page := expect(t, shared.do(t, req{Method: "GET", Path: "/docs"}), 200)
	if !bytes.Contains(page.Body, []byte(`spec-url="/openapi.json"`)) || !bytes.Contains(page.Body, []byte(`src="/docs/redoc.standalone.js"`)) {
		t.Fatalf("docs page: %s", page.Body)
	}
	// The document the reference page loads is there, with every path.
	spec := expect(t, shared.do(t, req{Method: "GET", Path: "/openapi.json"}), 200)
	if !bytes.Contains(spec.Body, []byte(`"openapi":"3.1.0"`)) || !bytes.Contains(spec.Body, []byte(`"/api/v1/public/pages/{slug}"`)) {
		t.Fatalf("openapi.json: %.300s", spec.Body)
	}
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/site/nope.js"}), 404, "not-found")
	expectProblem(t, shared.do(t, req{Method: "GET", Path: "/docs/nope.js"}), 404, "not-found")
}

// TestDirectUploadOfAnUnacceptedTypeIs415: bytes that match their
// announced size and checksum but are no accepted type are refused at
// completion.
func TestDirectUploadOfAnUnacceptedTypeIs415(t *testing.T) {
	ed := shared.newToken(t, "editor")
	data := []byte("just text, not a document\n")
	ticket := expect(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "note.txt", "size": len(data), "sha256": sha(data), "metadata": docMeta("scan", "Zapisek")}}), 201).Map(t)
	if st := putToTicket(t, ticket, data); st != 200 {
		t.Fatalf("PUT: %d", st)
	}
	id := ticket["upload"].(map[string]any)["id"].(string)
	expectProblem(t, shared.do(t, req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: ed}), 415, "unsupported-media-type")
}
