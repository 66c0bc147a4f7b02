package handlers_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// These tests walk the paths the rest of the suite leaves out, so every
// status the document promises is one a test has seen (apitest.AfterSuite).

// TestContentLifecycleAnswersAsDocumented drives each content type
// through create, duplicate, list, patch, the status actions (each twice:
// the second is a conflict), versions, restore and delete.
func TestContentLifecycleAnswersAsDocumented(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	bodies := map[string][2]map[string]any{
		"blocks":       {{"key": "life-a", "body": map[string]string{"sl": "a"}}, {"key": "life-b", "body": map[string]string{"sl": "b"}}},
		"pages":        {{"slug": "life-a", "title": map[string]string{"sl": "a"}}, {"slug": "life-b", "title": map[string]string{"sl": "b"}}},
		"partnerships": {apitest.MinimalPartnership("life-a", "Življenje A"), apitest.MinimalPartnership("life-b", "Življenje B")},
	}
	keyField := map[string]string{"blocks": "key", "pages": "slug", "partnerships": "slug"}
	for kind, b := range bodies {
		t.Run(kind, func(t *testing.T) {
			base := "/api/v1/" + kind
			a := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: base, Token: ed, Body: b[0]}), 201).Map(t)
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: base, Token: ed, Body: b[1]}), 201)
			apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: base, Token: ed, Body: b[0]}), 409, "conflict")
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: base + "?per_page=5", Token: ed}), 200)
			path := base + "/" + a["id"].(string)
			v := 1
			step := func(method, suffix string, body any, status int) apitest.Resp {
				t.Helper()
				r := s.Do(t, apitest.Req{Method: method, Path: path + suffix, Token: ed, Body: body, Headers: apitest.IfMatch(v)})
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
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions", Token: ed}), 200)
			apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path + "/versions/1", Token: ed}), 200)
			step("POST", "/versions/1/restore", nil, 200)
			step("DELETE", "", nil, 204)
		})
	}
}

// TestDocumentStatusConflicts: withdrawing twice and restoring an active
// document are conflicts; a stale If-Match on a withdrawn one is 412.
func TestDocumentStatusConflicts(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	d := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Spor"), "spor.tif", "", append([]byte("II*\x00"), bytes.Repeat([]byte{7}, 64)...)), 201).Map(t)
	path := "/api/v1/documents/" + d["id"].(string)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/restore", Token: ed, Headers: apitest.IfMatch(1)}), 409, "conflict")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(2)}), 409, "conflict")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/restore", Token: ed, Headers: apitest.IfMatch(1)}), 412, "version-mismatch")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/restore", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents?kind=scan", Token: ed}), 200)
}

// TestPublicReadsRevalidateAndRefuseUnknownLocales: every public read
// answers 304 to its own ETag and 400 to a locale that is not offered.
func TestPublicReadsRevalidateAndRefuseUnknownLocales(t *testing.T) {
	s := apitest.Shared(t)
	for _, p := range []string{"/api/v1/public/pages/pobratene-obcine", "/api/v1/public/partnerships",
		"/api/v1/public/partnerships/nagold", "/api/v1/public/blocks/pobratene-obcine-uvod"} {
		r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: p + "?locale=en"}), 200)
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: p + "?locale=en", Headers: map[string]string{"If-None-Match": r.Header.Get("ETag")}}), 304)
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: p + "?locale=xx"}), 400, "malformed-request")
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/blocks/no-such-block"}), 404, "not-found")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/vocabularies"}), 200)
}

// TestDirectUploadOfAnUnacceptedTypeIs415: bytes that match their
// announced size and checksum but are no accepted type are refused at
// completion.
func TestDirectUploadOfAnUnacceptedTypeIs415(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	data := []byte("just text, not a document\n")
	ticket := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "note.txt", "size": len(data), "sha256": apitest.SHA(data), "metadata": apitest.DocMeta("scan", "Zapisek")}}), 201).Map(t)
	if st := apitest.PutToTicket(t, ticket, data); st != 200 {
		t.Fatalf("PUT: %d", st)
	}
	id := ticket["upload"].(map[string]any)["id"].(string)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + id + "/complete", Token: ed}), 415, "unsupported-media-type")
}
