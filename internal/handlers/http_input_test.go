package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// deniedText are fragments of text only Go's standard library, Fiber,
// fasthttp, image decoders or drivers write; none may reach a client.
var deniedText = []string{
	"cannot unmarshal", "Go value", "Go struct", "json:", "unexpected EOF", "EOF", "must be a JSON struct",
	"must be a JSON map", "must be a JSON int64", "png:", "jpeg:", "gif:", "image:", "multipart:", "mime:",
	"fasthttp", "fiber", "E11000", "mongo", "FerretDB", "sqlite", "minio", "dial tcp", "connection refused",
	"context deadline", "context canceled", "goroutine", "runtime error", "nil pointer", "strconv.", "%!",
	"invalid character", "User-Agent", "Host:", "Authorization", "Bearer ",
}

// checkClean fails when a response body holds internal text or a secret.
func checkClean(t testing.TB, body []byte, secrets ...string) {
	t.Helper()
	s := string(body)
	for _, d := range deniedText {
		if strings.Contains(s, d) && !(d == "Authorization" || d == "Bearer ") {
			t.Errorf("response holds internal text %q: %s", d, s)
		}
	}
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			t.Errorf("response echoes a secret: %s", s)
		}
	}
}

// A header fasthttp cannot parse used to answer with the raw request,
// token included, and no request id.
func TestUnparsableHeaderAnswersCleanProblem(t *testing.T) {
	s := apitest.Shared(t)
	raw := "GET /api/v1/partnerships HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + apitest.AdminToken +
		"\r\nX-Note: a\x01b\r\n\r\n"
	r := apitest.RawDo(t, s.Base, raw)
	p := apitest.ExpectProblem(t, r, 400, "malformed-request")
	if id, _ := p["request_id"].(string); id == "" || r.Header.Get("X-Request-Id") != id {
		t.Fatalf("no request id in problem or header: %v / %q", p, r.Header.Get("X-Request-Id"))
	}
	checkClean(t, r.Body, apitest.AdminToken)
	if strings.Contains(string(r.Body), "X-Note") || strings.Contains(string(r.Body), "GET /api") {
		t.Fatalf("problem quotes the request: %s", r.Body)
	}
}

// A header section over the read buffer: 431 with a URN without spaces.
func TestOversizeHeadersAnswer431(t *testing.T) {
	s := apitest.Shared(t)
	raw := "GET /api/v1/partnerships HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + apitest.AdminToken +
		"\r\nX-Big: " + strings.Repeat("b", 64<<10) + "\r\n\r\n"
	r := apitest.RawDo(t, s.Base, raw)
	p := apitest.ExpectProblem(t, r, 431, "header-fields-too-large")
	if p["request_id"] == "" || strings.ContainsAny(p["type"].(string), " \t") {
		t.Fatalf("bad 431 problem: %v", p)
	}
	checkClean(t, r.Body, apitest.AdminToken)
}

// encoding/json's messages name Go types; ours name JSON types and fields.
func TestJSONErrorsAreInOurWords(t *testing.T) {
	s := apitest.Shared(t)
	cases := []struct {
		body, inErrors string
	}{
		{`[]`, ""},
		{`[1,2]`, ""},
		{`"text"`, ""},
		{`{"slug": 5}`, `must be a JSON string, not number`},
		{`{"slug":"x","partner":[]}`, `must be a JSON object, not array`},
		{`{"slug":"x","sort":"first"}`, `must be a JSON integer, not string`},
		{`{"slug":"x","sort":1e400}`, `sort`},
		{`{"slug":"x",`, ""},
		{`{"slug":"x"} {}`, ""},
	}
	for _, tc := range cases {
		r := s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: tc.body})
		p := apitest.ExpectProblem(t, r, 400, "malformed-request")
		checkClean(t, r.Body)
		if tc.inErrors != "" && !strings.Contains(string(apitest.MustJSON(t, p["errors"])), tc.inErrors) {
			t.Errorf("%s: errors do not say %q: %s", tc.body, tc.inErrors, r.Body)
		}
	}
}

// encoding/json replaces invalid UTF-8 with U+FFFD; the API refuses it.
func TestInvalidUTF8InJSONIsRefused(t *testing.T) {
	s := apitest.Shared(t)
	before := apitest.PartnershipTotal(t, s, apitest.AdminToken)
	body := "{\"slug\":\"utf8-test\",\"relation\":\"twin\",\"partner\":{\"name\":{\"sl\":\"Bad \xff\xfe name\"},\"country\":\"SI\"}}"
	r := s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: body})
	apitest.ExpectProblem(t, r, 400, "malformed-request")
	if strings.Contains(string(r.Body), "\ufffd") {
		t.Fatalf("problem holds a replacement character: %s", r.Body)
	}
	if after := apitest.PartnershipTotal(t, s, apitest.AdminToken); after != before {
		t.Fatalf("partnerships %d → %d", before, after)
	}
}

// Wrong methods get 405 with Allow from the registered routes.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	s := apitest.Shared(t)
	cases := []struct{ method, path, allow string }{
		{"DELETE", "/api/v1/partnerships", "GET, HEAD, POST"},
		{"PUT", "/api/v1/partnerships/0123456789abcdef01234567", "DELETE, GET, HEAD, PATCH"},
		{"POST", "/healthz", "GET, HEAD"},
		{"GET", "/api/v1/archive/documents/0123456789abcdef01234567/fixity", "POST"},
		{"PATCH", "/api/v1/tokens", "GET, HEAD, POST"},
		{"DELETE", "/api/v1/Partnerships/", "GET, HEAD, POST"}, // ignoring case and a trailing slash, like the router
	}
	for _, tc := range cases {
		r := s.Do(t, apitest.Req{Method: tc.method, Path: tc.path, Token: apitest.AdminToken})
		p := apitest.ExpectProblem(t, r, 405, "method-not-allowed")
		if got := r.Header.Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q (%v)", tc.method, tc.path, got, tc.allow, p)
		}
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/no-such-thing"}), 404, "not-found")

	// HEAD is GET without the body, with GET's headers.
	res, err := http.Head(s.Base + "/api/v1/public/pages/pobratene-obcine")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("ETag") == "" {
		t.Errorf("HEAD of a public page: %d, ETag %q", res.StatusCode, res.Header.Get("ETag"))
	}
}

// RFC 9110: the authentication scheme is case-insensitive.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	s := apitest.Shared(t)
	for _, h := range []string{"bearer " + apitest.AdminToken, "BEARER " + apitest.AdminToken, "Bearer  " + apitest.AdminToken} {
		r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/tokens", Headers: map[string]string{"Authorization": h}})
		apitest.Expect(t, r, 200)
	}
	for _, h := range []string{"Basic " + apitest.AdminToken, "Bearer", "Bearer" + apitest.AdminToken, "Token " + apitest.AdminToken} {
		r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/tokens", Headers: map[string]string{"Authorization": h}})
		apitest.ExpectProblem(t, r, 401, "unauthorized")
		checkClean(t, r.Body, apitest.AdminToken)
	}
}

// The request id a client sends (a plain token) is the one in the problem;
// anything else is replaced by one of ours.
func TestRequestIDIsInEveryProblem(t *testing.T) {
	s := apitest.Shared(t)
	r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Headers: map[string]string{"X-Request-Id": "client-abc.123"}})
	if p := apitest.ExpectProblem(t, r, 401, "unauthorized"); p["request_id"] != "client-abc.123" {
		t.Fatalf("request id %v, want the client's", p["request_id"])
	}
	r = s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/partnerships", Headers: map[string]string{"X-Request-Id": "<script>x</script>"}})
	if p := apitest.ExpectProblem(t, r, 401, "unauthorized"); p["request_id"] == "" || strings.Contains(r.Header.Get("X-Request-Id"), "<") {
		t.Fatalf("unsafe request id kept: %v", p)
	}
}

// POST …/fixity answers with the event it stored, id included.
func TestFixityEventHasItsStoredID(t *testing.T) {
	s := apitest.Shared(t)
	ar := s.NewToken(t, "archivist")
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents?per_page=1", Token: ar}), 200).JSON(t, &list)
	if len(list.Items) == 0 {
		t.Fatal("the demo has no documents")
	}
	id := list.Items[0].ID
	ev := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + id + "/fixity", Token: ar}), 200).Map(t)
	evID, _ := ev["id"].(string)
	if len(evID) != 24 {
		t.Fatalf("event id %q: %v", evID, ev)
	}
	var hist struct {
		Events []map[string]any `json:"events"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + id, Token: ar}), 200).JSON(t, &hist)
	for _, e := range hist.Events {
		if e["id"] == evID {
			return
		}
	}
	t.Fatalf("event %s is not in the history %v", evID, hist.Events)
}
