package handlers_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// throttleServer runs with the shipped limits (10 refused authentications
// a minute per client, 600 for all) and apitest.ProxyClient as the one
// trusted proxy.
func throttleServer(t *testing.T, env map[string]string) *apitest.Server {
	vars := map[string]string{"TWINCMS_AUTH_FAILURES_PER_MINUTE": "10", "TWINCMS_AUTH_FAILURES_GLOBAL_PER_MINUTE": "600",
		"TWINCMS_TRUSTED_PROXIES": apitest.ProxyClient + "/32"}
	for k, v := range env {
		vars[k] = v
	}
	return apitest.Empty(t, vars)
}

func randomToken(t *testing.T) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "tcms_" + hex.EncodeToString(b)
}

// expectThrottled checks a 429: Retry-After in seconds within the minute
// and a problem naming it.
func expectThrottled(t *testing.T, r apitest.Resp) {
	t.Helper()
	p := apitest.ExpectProblem(t, r, 429, "too-many-requests")
	secs, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if d, _ := p["detail"].(string); !strings.Contains(d, "try again") {
		t.Fatalf("detail %q", d)
	}
}

// 40 random tokens in 2 s from one client: the first ten are refused
// (401), the rest throttled (429) before the token is read, so even a
// valid token from that client waits; a client at another address keeps
// working, and refuses of it count for it alone.
func TestAuthGuessingIsThrottledPerClient(t *testing.T) {
	s := throttleServer(t, nil)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 50 * time.Millisecond)
			r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t)})
			mu.Lock()
			statuses[r.Status]++
			mu.Unlock()
			if r.Status == 429 {
				expectThrottled(t, r)
			} else {
				apitest.ExpectProblem(t, r, 401, "unauthorized")
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("40 guesses took %v", took)
	}
	if statuses[401] != 10 || statuses[429] != 30 {
		t.Fatalf("statuses %v, want 10×401 and 30×429", statuses)
	}
	// The throttled client is refused before its token is looked at.
	expectThrottled(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken}))
	// Another client: a good token works, and its own guesses start at 401.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken, From: apitest.OtherClient}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t), From: apitest.OtherClient}), 401, "unauthorized")
	// Requests without credentials guess nothing: refused, never counted.
	for range 15 {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", From: apitest.OtherClient}), 401, "unauthorized")
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken, From: apitest.OtherClient}), 200)
	// Public routes are not behind the throttle.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/vocabularies"}), 200)
}

// Past the global limit refused tokens get 429 from every client, while
// a valid token still works.
func TestAuthGlobalLimitThrottlesFailuresOnly(t *testing.T) {
	s := throttleServer(t, map[string]string{"TWINCMS_AUTH_FAILURES_GLOBAL_PER_MINUTE": "12"})
	// Twelve failures spread over clients the trusted proxy names, each
	// under its own limit.
	for i := range 12 {
		r := s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t), From: apitest.ProxyClient,
			Headers: map[string]string{"X-Forwarded-For": "198.51.100." + strconv.Itoa(i)}})
		apitest.ExpectProblem(t, r, 401, "unauthorized")
	}
	expectThrottled(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t), From: apitest.OtherClient}))
	expectThrottled(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t)}))
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken, From: apitest.OtherClient}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: apitest.AdminToken}), 200)
}

// X-Forwarded-For and Forwarded name the client only when the socket's
// peer is a trusted proxy; the audit log records the address the
// throttle used.
func TestTrustedProxyHeaderOnlyFromTrustedPeer(t *testing.T) {
	s := throttleServer(t, nil)
	guess := func(from, xff, fwd string) apitest.Resp {
		h := map[string]string{}
		if xff != "" {
			h["X-Forwarded-For"] = xff
		}
		if fwd != "" {
			h["Forwarded"] = fwd
		}
		return s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/me", Token: randomToken(t), From: from, Headers: h})
	}
	// An untrusted peer rotating X-Forwarded-For is still one client.
	for i := range 10 {
		apitest.ExpectProblem(t, guess(apitest.OtherClient, "203.0.113."+strconv.Itoa(i), ""), 401, "unauthorized")
	}
	expectThrottled(t, guess(apitest.OtherClient, "203.0.113.77", ""))
	// Through the trusted proxy each forwarded client counts alone: the
	// rightmost hop the proxy added, not what the client wrote left of it.
	for i := range 10 {
		apitest.ExpectProblem(t, guess(apitest.ProxyClient, "10.9.9."+strconv.Itoa(i)+", 192.0.2.10", ""), 401, "unauthorized")
	}
	expectThrottled(t, guess(apitest.ProxyClient, "192.0.2.10", ""))
	apitest.ExpectProblem(t, guess(apitest.ProxyClient, "192.0.2.11", ""), 401, "unauthorized")
	apitest.ExpectProblem(t, guess(apitest.ProxyClient, "", `for="[2001:db8::5]:4711";proto=https`), 401, "unauthorized")

	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/audit?action=refused&per_page=100", Token: apitest.AdminToken}), 200)
	var list struct {
		Items []struct {
			Client string `json:"client"`
		} `json:"items"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatal(err)
	}
	clients := map[string]int{}
	for _, e := range list.Items {
		clients[e.Client]++
	}
	if clients[apitest.OtherClient] == 0 || clients["192.0.2.10"] == 0 || clients["192.0.2.11"] != 1 || clients["2001:db8::5"] != 1 {
		t.Fatalf("audit clients %v", clients)
	}
	for c := range clients {
		if strings.HasPrefix(c, "203.0.113.") || strings.HasPrefix(c, "10.9.9.") || c == apitest.ProxyClient {
			t.Fatalf("audit names %s, an address the client wrote or the proxy: %v", c, clients)
		}
	}
}
