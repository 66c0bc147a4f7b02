package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Resp is a finished HTTP exchange.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
	// serverLog is the answering test server's last warnings and errors
	// (Server.Do), said when the status is not the one expected.
	serverLog *logRing
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Resp) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r Resp) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Req describes a request; Body may be a string or []byte (sent as is) or
// a value (sent as JSON).
type Req struct {
	Method  string
	Path    string
	Token   string
	Body    any
	Headers map[string]string
	// From is the loopback address the request leaves from (OtherClient,
	// ProxyClient); empty: the system's choice, 127.0.0.1.
	From string
}

// Do sends r to the server at base (http://host:port, with a mount prefix
// if any) through Client.
func Do(t testing.TB, base string, r Req) Resp {
	t.Helper()
	return do(t, Client, base, r)
}

// DoUnchecked is Do without the contract check, for a server configured
// to serve fewer routes than the package's document has (TWINCMS_METRICS
// off, or /metrics on its own listener): their 404 is right there.
func DoUnchecked(t testing.TB, base string, r Req) Resp {
	t.Helper()
	return do(t, uncheckedClient, base, r)
}

var uncheckedClient = &http.Client{
	Timeout:       60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &byLocalAddr{def: http.DefaultTransport},
}

func do(t testing.TB, client *http.Client, base string, r Req) Resp {
	t.Helper()
	var body io.Reader
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.Method, base+r.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.From != "" {
		hr = hr.WithContext(withLocalAddr(hr.Context(), r.From))
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Headers {
		hr.Header.Set(k, v)
	}
	res, err := client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Resp{Status: res.StatusCode, Header: res.Header, Body: data}
}

// Do sends r to s.
func (s *Server) Do(t testing.TB, r Req) Resp {
	t.Helper()
	res := Do(t, s.Base, r)
	res.serverLog = s.logs
	return res
}

// Expect fails the test unless the response has status.
func Expect(t testing.TB, r Resp, status int) Resp {
	t.Helper()
	if r.Status != status {
		if logged := r.serverLog.String(); logged != "" {
			t.Logf("the server's last warnings and errors:\n%s", logged)
		}
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	return r
}

// ExpectProblem checks an RFC 9457 response with status and type suffix.
func ExpectProblem(t testing.TB, r Resp, status int, typ string) map[string]any {
	t.Helper()
	Expect(t, r, status)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	p := r.Map(t)
	if p["type"] != "urn:twincms:problem:"+typ || p["title"] == "" || int(p["status"].(float64)) != status {
		t.Fatalf("problem %v, want type %s and status %d", p, typ, status)
	}
	return p
}

// NewToken creates a token of role through the API of the server at base
// and returns its secret.
func NewToken(t testing.TB, base, role string) string {
	t.Helper()
	r := Expect(t, Do(t, base, Req{Method: "POST", Path: "/api/v1/tokens", Token: AdminToken,
		Body: map[string]string{"name": "test " + role, "role": role}}), 201)
	return r.Map(t)["token"].(string)
}

// NewToken creates a token of role on s.
func (s *Server) NewToken(t testing.TB, role string) string {
	t.Helper()
	return NewToken(t, s.Base, role)
}

// MinimalPartnership is the smallest valid partnership body.
func MinimalPartnership(slug, name string) map[string]any {
	return map[string]any{
		"slug":     slug,
		"relation": "twin",
		"partner":  map[string]any{"name": map[string]string{"sl": name}, "country": "SI"},
	}
}

// MustJSON marshals v, failing the test when it cannot.
func MustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
