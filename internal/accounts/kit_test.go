package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// person is a signed-in browser in a test: its cookie and CSRF token.
type person struct {
	id, cookie, csrf string
}

// headers are what the admin UI sends: the cookie, the CSRF token and
// the browser's same-origin marker.
func (p person) headers() map[string]string {
	return map[string]string{"Cookie": "twincms_session=" + p.cookie, "X-CSRF-Token": p.csrf, "Sec-Fetch-Site": "same-origin"}
}

// invite makes a user as the admin token and returns its id and the
// invitation's secret.
func invite(t *testing.T, s *apitest.Server, email, name, role string) (string, string) {
	t.Helper()
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/users", Token: apitest.AdminToken,
		Body: map[string]string{"email": email, "name": name, "role": role}}), 201).Map(t)
	link := r["invitation_link"].(string)
	_, secret, ok := strings.Cut(link, "#invitation=")
	if !ok || !strings.Contains(link, "/admin/#invitation=") {
		t.Fatalf("invitation link %q", link)
	}
	return r["user"].(map[string]any)["id"].(string), secret
}

// enrol invites a person, sets their password and signs them in.
func enrol(t *testing.T, s *apitest.Server, email, name, role, password string) person {
	t.Helper()
	id, secret := invite(t, s, email, name, role)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": password}}), 200)
	p := signIn(t, s, email, password, "")
	p.id = id
	return p
}

// signIn signs in and returns the session's cookie and CSRF token.
func signIn(t *testing.T, s *apitest.Server, email, password, totp string) person {
	t.Helper()
	body := map[string]string{"email": email, "password": password}
	if totp != "" {
		body["totp"] = totp
	}
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login", Body: body}), 200)
	c := sessionCookie(t, r.Header)
	m := r.Map(t)
	return person{id: m["user"].(map[string]any)["id"].(string), cookie: c.Value, csrf: m["csrf_token"].(string)}
}

func sessionCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "twincms_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", h["Set-Cookie"])
	return nil
}
