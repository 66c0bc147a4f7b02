package accounts_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// A person is invited, sets a password, signs in with a cookie whose
// flags are right, works through the API with the CSRF token, is refused
// a cross-site POST, and is signed out everywhere when an admin disables
// them. The history and the audit log name them.
func TestInvitePasswordSignInAndDisable(t *testing.T) {
	s := apitest.Shared(t)
	id, secret := invite(t, s, "Ana.Novak@Jesenice.si", "Ana Novak", "editor")

	list := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Token: apitest.AdminToken}), 200)
	if !strings.Contains(string(list.Body), `"email":"ana.novak@jesenice.si"`) || strings.Contains(string(list.Body), "argon2") ||
		strings.Contains(string(list.Body), "invitation_hash") {
		t.Fatalf("user list: %s", list.Body)
	}
	// The invited person cannot sign in before setting a password.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "ana.novak@jesenice.si", "password": "anything at all"}}), 401, "unauthorized")
	for _, bad := range []string{"kratko", "password1234", "Qwertyuiop123", "ana.novak@jesenice.si"} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
			Body: map[string]string{"token": secret, "password": bad}}), 422, "validation-failed")
	}
	const pw = "Triglav je visok 2864 m"
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": pw}}), 200)
	// The invitation is used up.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": pw + "!"}}), 403, "link-invalid")

	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "ana.novak@jesenice.si", "password": pw + "x"}}), 401, "unauthorized")
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": " ANA.NOVAK@jesenice.si", "password": pw}}), 200)
	raw := r.Header.Get("Set-Cookie")
	for _, flag := range []string{"httponly", "samesite=strict", "path=/"} {
		if !strings.Contains(strings.ToLower(raw), flag) {
			t.Errorf("cookie %q lacks %s", raw, flag)
		}
	}
	if strings.Contains(strings.ToLower(raw), "secure") {
		t.Errorf("cookie %q is Secure over plain http without an https TWINCMS_PUBLIC_URL", raw)
	}
	ana := person{id: id, cookie: sessionCookie(t, r.Header).Value, csrf: r.Map(t)["csrf_token"].(string)}

	me := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: map[string]string{"Cookie": "twincms_session=" + ana.cookie}}), 200).Map(t)
	if me["type"] != "user" || me["name"] != "Ana Novak" || me["role"] != "editor" || me["csrf_token"] != ana.csrf {
		t.Fatalf("me: %v", me)
	}
	tok := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Token: apitest.AdminToken}), 200).Map(t)
	if tok["type"] != "token" || tok["csrf_token"] != nil {
		t.Fatalf("me as a token: %v", tok)
	}

	body := apitest.MinimalPartnership("ana-valjevo", "Valjevo")
	cookieOnly := map[string]string{"Cookie": "twincms_session=" + ana.cookie}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Body: body, Headers: cookieOnly}), 403, "forbidden")
	crossSite := ana.headers()
	crossSite["Sec-Fetch-Site"] = "cross-site"
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Body: body, Headers: crossSite}), 403, "forbidden")
	foreignOrigin := map[string]string{"Cookie": "twincms_session=" + ana.cookie, "X-CSRF-Token": ana.csrf, "Origin": "https://evil.example"}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Body: body, Headers: foreignOrigin}), 403, "forbidden")
	wrongToken := ana.headers()
	wrongToken["X-CSRF-Token"] = "x" + ana.csrf
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Body: body, Headers: wrongToken}), 403, "forbidden")
	sameOrigin := map[string]string{"Cookie": "twincms_session=" + ana.cookie, "X-CSRF-Token": ana.csrf, "Origin": s.Base}
	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Body: body, Headers: sameOrigin}), 201).Map(t)
	if created["created_by"] != "user:"+id {
		t.Errorf("created_by %v, want user:%s", created["created_by"], id)
	}
	// A bearer request needs none of this.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/partnerships/" + created["id"].(string), Token: apitest.AdminToken,
		Headers: map[string]string{"If-Match": `"1"`}}), 204)
	// An editor's session may not manage users.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Headers: ana.headers()}), 403, "forbidden")

	// A second session; the admin disables Ana: both end at once.
	second := signIn(t, s, "ana.novak@jesenice.si", pw, "")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/users/" + id, Token: apitest.AdminToken,
		Body: map[string]string{"status": "disabled"}}), 200)
	for _, p := range []person{ana, second} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: p.headers()}), 401, "unauthorized")
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "ana.novak@jesenice.si", "password": pw}}), 401, "unauthorized")

	audit := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?resource=session&per_page=100", Token: apitest.AdminToken}), 200).Body)
	for _, want := range []string{`"action":"sign_in"`, `"action":"sign_in_failed"`, `"name":"Ana Novak"`, `"detail":"wrong password"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %s: %s", want, audit)
		}
	}
	if strings.Contains(audit, pw) {
		t.Error("the audit log holds the password")
	}
	changes := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?resource=partnership&per_page=100", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(changes, `"user_id":"`+id+`","name":"Ana Novak"`) {
		t.Errorf("the partnership's audit entries do not name Ana: %s", changes)
	}
}

// Sign out ends the session; sign out everywhere ends all of them.
func TestSignOutAndSignOutEverywhere(t *testing.T) {
	s := apitest.Shared(t)
	const pw = "Kranjska Gora pozimi"
	a := enrol(t, s, "bojan@jesenice.si", "Bojan Kos", "archivist", pw)
	b := signIn(t, s, "bojan@jesenice.si", pw, "")
	c := signIn(t, s, "bojan@jesenice.si", pw, "")
	sessions := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me/sessions", Headers: a.headers()}), 200).Map(t)["items"].([]any)
	if len(sessions) != 3 {
		t.Fatalf("%d sessions, want 3", len(sessions))
	}
	// Logout needs the CSRF token too (a cross-site logout is refused).
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/logout", Headers: map[string]string{"Cookie": "twincms_session=" + a.cookie}}), 403, "forbidden")
	out := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/logout", Headers: a.headers()}), 204)
	if !strings.Contains(out.Header.Get("Set-Cookie"), "twincms_session=;") && !strings.Contains(out.Header.Get("Set-Cookie"), "max-age=-1") &&
		!strings.Contains(strings.ToLower(out.Header.Get("Set-Cookie")), "expires=") {
		t.Errorf("logout does not clear the cookie: %q", out.Header.Get("Set-Cookie"))
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: a.headers()}), 401, "unauthorized")
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: b.headers()}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/me/sessions", Headers: b.headers()}), 204)
	for _, p := range []person{b, c} {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: p.headers()}), 401, "unauthorized")
	}
	// A token has no profile: the person's routes refuse it.
	for _, r := range []apitest.Req{{Method: "POST", Path: "/api/v1/auth/logout"}, {Method: "PUT", Path: "/api/v1/me/password", Body: map[string]string{"current_password": "a", "new_password": "b"}},
		{Method: "GET", Path: "/api/v1/me/sessions"}, {Method: "DELETE", Path: "/api/v1/me/sessions"}, {Method: "POST", Path: "/api/v1/me/totp"}, {Method: "POST", Path: "/api/v1/me/totp/confirm", Body: map[string]string{"code": "123456"}},
		{Method: "POST", Path: "/api/v1/me/totp/disable", Body: map[string]string{"password": "x"}}} {
		r.Token = apitest.AdminToken
		apitest.ExpectProblem(t, s.Do(t, r), 403, "forbidden")
	}
	// A token has no sessions to end; a session without its CSRF token may not end one.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/me/sessions/0123456789abcdef01234567", Token: apitest.AdminToken}), 404, "not-found")
	d := signIn(t, s, "bojan@jesenice.si", pw, "")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/me/sessions/0123456789abcdef01234567",
		Headers: map[string]string{"Cookie": "twincms_session=" + d.cookie}}), 403, "forbidden")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/me/sessions/0123456789abcdef01234567", Headers: d.headers()}), 404, "not-found")
	audit := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?action=sign_out&per_page=100", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(audit, `"name":"Bojan Kos"`) || !strings.Contains(audit, "every session (2)") {
		t.Errorf("sign-outs not in the audit log: %s", audit)
	}
}

// Guessing a password is throttled per account (429 with Retry-After,
// the right password too) while another account signs in.
func TestSignInGuessingThrottled(t *testing.T) {
	s := apitest.Shared(t)
	const pw = "Mežakla nad Jesenicami"
	enrol(t, s, "cene@jesenice.si", "Cene Ravnik", "editor", pw)
	enrol(t, s, "dora@jesenice.si", "Dora Zupan", "editor", pw)
	for i := range 5 {
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
			Body: map[string]string{"email": "cene@jesenice.si", "password": "guess number " + string(rune('a'+i))}}), 401, "unauthorized")
	}
	r := s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "cene@jesenice.si", "password": pw}})
	apitest.ExpectProblem(t, r, 429, "too-many-requests")
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" || len(ra) > 2 {
		t.Errorf("Retry-After %q, want a few seconds", ra)
	}
	signIn(t, s, "dora@jesenice.si", pw, "")
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_PUBLIC_URL": "https://cms.jesenice.si", "TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, secret := invite(t, s, "eva@jesenice.si", "Eva Mlakar", "admin")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation", Body: map[string]string{"token": secret, "password": "Vrata Karavank 1234"}}), 200)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "eva@jesenice.si", "password": "Vrata Karavank 1234"}}), 200)
	if c := sessionCookie(t, r.Header); !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Errorf("cookie %q: want Secure, HttpOnly, SameSite=Strict", r.Header.Get("Set-Cookie"))
	}
}
