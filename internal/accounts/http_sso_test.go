package accounts_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

const callbackPath = "/api/v1/auth/oidc/callback"

// ssoServer starts an OpenID provider and a twincms that signs in
// through it; env adds settings.
func ssoServer(t *testing.T, env map[string]string) (*apitest.Server, *apitest.OpenIDProvider) {
	t.Helper()
	op := apitest.StartOpenIDProvider(t, "127.0.0.1")
	vars := map[string]string{"TWINCMS_OIDC_ISSUER": op.Issuer, "TWINCMS_OIDC_CLIENT_ID": op.ClientID,
		"TWINCMS_OIDC_CLIENT_SECRET": op.ClientSecret}
	for k, v := range env {
		vars[k] = v
	}
	s := apitest.Empty(t, vars)
	op.Register(s.Base + callbackPath)
	return s, op
}

// browser is an HTTP client with its own cookies that does not follow
// twincms's redirects to /admin/.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// visit GETs u with the browser's cookies; html asks as a browser does.
func visit(t *testing.T, b *http.Client, u string, html bool) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if html {
		req.Header.Set("Accept", "text/html,application/xhtml+xml")
	}
	res, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func cookieNamed(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name && c.Value != "" {
			return c
		}
	}
	return nil
}

// ssoSignIn signs username in through the provider and returns the
// person's session (cookie and CSRF token from /me) and /me.
func ssoSignIn(t *testing.T, s *apitest.Server, op *apitest.OpenIDProvider, username string) (person, map[string]any) {
	t.Helper()
	b := browser(t)
	cb := op.Authorize(t, b, s.Base+"/api/v1/auth/oidc/start", username, "geslo-pri-ponudniku")
	res := visit(t, b, cb.String(), true)
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/admin/" {
		t.Fatalf("callback: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	c := cookieNamed(res, "twincms_session")
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie %+v", c)
	}
	me := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: map[string]string{"Cookie": "twincms_session=" + c.Value}}), 200).Map(t)
	return person{id: me["id"].(string), cookie: c.Value, csrf: me["csrf_token"].(string)}, me
}

// refusedCallback runs a sign-in of username and expects its callback
// refused: a problem for an API client, #sso-error=code for a browser,
// and no session either way.
func refusedCallback(t *testing.T, s *apitest.Server, op *apitest.OpenIDProvider, username, code string) {
	t.Helper()
	for _, html := range []bool{false, true} {
		b := browser(t)
		cb := op.Authorize(t, b, s.Base+"/api/v1/auth/oidc/start", username, "geslo-pri-ponudniku")
		if !html {
			flow := cookieFor(t, b, s.Base+callbackPath, "twincms_sso")
			apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: callbackPath + "?" + cb.RawQuery,
				Headers: map[string]string{"Cookie": "twincms_sso=" + flow}}), 403, "forbidden")
			continue
		}
		res := visit(t, b, cb.String(), true)
		if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/admin/#sso-error="+code || cookieNamed(res, "twincms_session") != nil {
			t.Fatalf("refused callback (%s): %d to %q, cookies %v", code, res.StatusCode, res.Header.Get("Location"), res.Header["Set-Cookie"])
		}
	}
}

func cookieFor(t *testing.T, b *http.Client, u, name string) string {
	t.Helper()
	pu, _ := url.Parse(u)
	for _, c := range b.Jar.Cookies(pu) {
		if c.Name == name {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie for %s", name, u)
	return ""
}

// An editor signs in through a real OpenID provider (discovery, code
// flow with PKCE S256, state, nonce): the account is made on the first
// sign-in with the role its groups map to, works with the session cookie
// and CSRF token, is named in the audit log, and takes a new role when
// its groups change; without a mapped group it is refused.
func TestSingleSignOnCreatesAndMapsRoles(t *testing.T) {
	s, op := ssoServer(t, map[string]string{"TWINCMS_OIDC_AUTO_CREATE": "true",
		"TWINCMS_OIDC_ROLE_MAP": "twincms-admins=admin, twincms-editors=editor, twincms-archive=archivist"})
	op.AddUser("sub-mojca", "mojca", "geslo-pri-ponudniku", "Mojca", "Kranjc", "Mojca.Kranjc@jesenice.si", "staff", "twincms-editors")

	m := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/auth/methods"}), 200).Map(t)
	if m["oidc"] != true || m["oidc_start"] != "/api/v1/auth/oidc/start" || m["password"] != true {
		t.Fatalf("methods: %v", m)
	}
	start := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/auth/oidc/start"}), 302)
	loc, err := url.Parse(start.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), op.Issuer+"/auth?") {
		t.Fatalf("start redirects to %q", start.Header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || len(q.Get("state")) < 32 || len(q.Get("nonce")) < 32 ||
		q.Get("response_type") != "code" || q.Get("redirect_uri") != s.Base+callbackPath || !strings.Contains(q.Get("scope"), "openid") {
		t.Fatalf("authorization request: %v", q)
	}
	flow := strings.ToLower(start.Header.Get("Set-Cookie"))
	for _, want := range []string{"twincms_sso=", "httponly", "samesite=lax", "path=/api/v1/auth/oidc/", "max-age=600"} {
		if !strings.Contains(flow, want) {
			t.Errorf("flow cookie %q lacks %s", flow, want)
		}
	}
	if strings.Contains(flow, q.Get("state")) || strings.Contains(flow, q.Get("nonce")) {
		t.Errorf("the flow cookie shows the state or nonce in the clear: %q", flow)
	}

	mojca, me := ssoSignIn(t, s, op, "mojca")
	if me["type"] != "user" || me["name"] != "Mojca Kranjc" || me["role"] != "editor" || me["email"] != "mojca.kranjc@jesenice.si" {
		t.Fatalf("me after single sign-on: %v", me)
	}
	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Headers: mojca.headers(),
		Body: apitest.MinimalPartnership("sso-valjevo", "Valjevo")}), 201).Map(t)
	if created["created_by"] != "user:"+mojca.id {
		t.Errorf("created_by %v", created["created_by"])
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Headers: mojca.headers()}), 403, "forbidden")
	users := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(users, `"sso":true`) || !strings.Contains(users, `"status":"active"`) {
		t.Errorf("users: %s", users)
	}
	audit := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?action=sign_in&per_page=100", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(audit, `"name":"Mojca Kranjc"`) || !strings.Contains(audit, `"sso"`) {
		t.Errorf("the sign-in is not in the audit log with her name: %s", audit)
	}

	// New groups at the provider: a new role at the next sign-in, and the
	// session opened with the old role ends.
	op.SetGroups("sub-mojca", "twincms-admins")
	_, me = ssoSignIn(t, s, op, "mojca")
	if me["role"] != "admin" || me["id"] != mojca.id {
		t.Fatalf("after the group change: %v", me)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: mojca.headers()}), 401, "unauthorized")

	// No mapped group: refused, nothing opened.
	op.SetGroups("sub-mojca", "staff")
	refusedCallback(t, s, op, "mojca", "no-role")
	failed := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?action=sign_in_failed&per_page=100", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(failed, "no-role") || !strings.Contains(failed, "Mojca Kranjc") {
		t.Errorf("the refused sign-in is not in the audit log: %s", failed)
	}
}

// The callback refuses what did not come from this browser's flow or from
// the provider unchanged: a wrong or missing state, a replayed callback,
// another browser's code (PKCE), an ID token with a changed claim, signed
// by another key, or re-signed with another nonce, audience, issuer or an
// expiry in the past; a provider's refusal comes back as denied.
func TestSingleSignOnRefusesForgeries(t *testing.T) {
	s, op := ssoServer(t, map[string]string{"TWINCMS_OIDC_AUTO_CREATE": "true", "TWINCMS_OIDC_ROLE_MAP": "urednistvo=editor"})
	op.AddUser("sub-luka", "luka", "geslo-pri-ponudniku", "Luka", "Zupan", "luka.zupan@jesenice.si", "urednistvo")
	op.AddUser("sub-admin", "admin", "geslo-pri-ponudniku", "Ana", "Admin", "ana.admin@jesenice.si", "urednistvo")
	start := s.Base + "/api/v1/auth/oidc/start"

	refused := func(what string, res *http.Response) {
		t.Helper()
		if res.StatusCode != http.StatusFound || !strings.HasPrefix(res.Header.Get("Location"), "/admin/#sso-error=") || cookieNamed(res, "twincms_session") != nil {
			t.Errorf("%s: %d to %q, cookies %v", what, res.StatusCode, res.Header.Get("Location"), res.Header["Set-Cookie"])
		}
	}
	// A wrong state, then the right one: the flow is used up by the first.
	b := browser(t)
	cb := op.Authorize(t, b, start, "luka", "geslo-pri-ponudniku")
	wrong := *cb
	q := wrong.Query()
	q.Set("state", q.Get("state")+"x")
	wrong.RawQuery = q.Encode()
	refused("wrong state", visit(t, b, wrong.String(), true))
	refused("state after a refused callback", visit(t, b, cb.String(), true))
	// No flow cookie (another browser, login CSRF), and no state.
	cb = op.Authorize(t, browser(t), start, "luka", "geslo-pri-ponudniku")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: callbackPath + "?" + cb.RawQuery}), 403, "forbidden")
	b = browser(t)
	cb = op.Authorize(t, b, start, "luka", "geslo-pri-ponudniku")
	noState := *cb
	q = noState.Query()
	q.Del("state")
	noState.RawQuery = q.Encode()
	refused("no state", visit(t, b, noState.String(), true))

	// PKCE: browser A's state with browser B's code (a stolen code) is
	// refused by the provider, since A's verifier does not match.
	a, bb := browser(t), browser(t)
	cbA := op.Authorize(t, a, start, "luka", "geslo-pri-ponudniku")
	cbB := op.Authorize(t, bb, start, "admin", "geslo-pri-ponudniku")
	mixed := *cbA
	q = cbA.Query()
	q.Set("code", cbB.Query().Get("code"))
	mixed.RawQuery = q.Encode()
	res := visit(t, a, mixed.String(), true)
	if res.Header.Get("Location") != "/admin/#sso-error=token" || cookieNamed(res, "twincms_session") != nil {
		t.Errorf("a code of another flow: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The provider refused (the person cancelled).
	b = browser(t)
	cb = op.Authorize(t, b, start, "luka", "geslo-pri-ponudniku")
	denied := *cb
	q = denied.Query()
	q.Del("code")
	q.Set("error", "access_denied")
	denied.RawQuery = q.Encode()
	if res := visit(t, b, denied.String(), true); res.Header.Get("Location") != "/admin/#sso-error=denied" {
		t.Errorf("a refusal: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	past := float64(time.Now().Add(-time.Hour).Unix())
	tampered := []struct {
		name string
		f    func(string) string
	}{
		{"another subject, signature unchanged", func(tok string) string {
			return apitest.EditClaims(t, tok, func(c map[string]any) { c["sub"] = "sub-admin" })
		}},
		{"signed by another key", func(tok string) string { return op.SignWithOtherKey(t, tok) }},
		{"no signature", func(tok string) string { return tok[:strings.LastIndexByte(tok, '.')+1] }},
		{"another nonce", func(tok string) string { return op.Resign(t, tok, func(c map[string]any) { c["nonce"] = "replayed" }) }},
		{"another audience", func(tok string) string {
			return op.Resign(t, tok, func(c map[string]any) { c["aud"] = []string{"other-app"} })
		}},
		{"another issuer", func(tok string) string {
			return op.Resign(t, tok, func(c map[string]any) { c["iss"] = "https://idp.example" })
		}},
		{"expired", func(tok string) string { return op.Resign(t, tok, func(c map[string]any) { c["exp"] = past }) }},
	}
	for _, tc := range tampered {
		op.Tamper(tc.f)
		b := browser(t)
		cb := op.Authorize(t, b, start, "luka", "geslo-pri-ponudniku")
		res := visit(t, b, cb.String(), true)
		if res.Header.Get("Location") != "/admin/#sso-error=token" || cookieNamed(res, "twincms_session") != nil {
			t.Errorf("ID token %s: %d to %q", tc.name, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// The untouched token of the same flow passes (the tampering was what
	// the checks refused).
	op.Tamper(func(tok string) string { return op.Resign(t, tok, func(map[string]any) {}) })
	if _, me := ssoSignIn(t, s, op, "luka"); me["name"] != "Luka Zupan" {
		t.Fatalf("me: %v", me)
	}
	op.Tamper(nil)
	users := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Token: apitest.AdminToken}), 200).Body)
	if strings.Contains(users, "ana.admin@") {
		t.Errorf("a refused sign-in made an account: %s", users)
	}
}

// Without auto-creation only people an admin created may sign in: the
// invited archivist becomes active through single sign-on (role kept,
// invitation used up); a stranger is refused and nothing is stored; a
// disabled account is refused.
func TestSingleSignOnOnlyPreCreated(t *testing.T) {
	s, op := ssoServer(t, nil)
	op.AddUser("sub-ana", "ana", "geslo-pri-ponudniku", "Ana", "Novak", "ana.novak@jesenice.si", "twincms-editors")
	op.AddUser("sub-tujec", "tujec", "geslo-pri-ponudniku", "Tuje", "Ime", "tujec@example.org")
	id, secret := invite(t, s, "ana.novak@jesenice.si", "Ana N.", "archivist")

	ana, me := ssoSignIn(t, s, op, "ana")
	if me["id"] != id || me["role"] != "archivist" || me["name"] != "Ana Novak" {
		t.Fatalf("me: %v", me)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/invitation",
		Body: map[string]string{"token": secret, "password": "Triglav je visok 2864 m"}}), 403, "link-invalid")
	// A password sign-in does not open an SSO account.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "ana.novak@jesenice.si", "password": "geslo-pri-ponudniku"}}), 401, "unauthorized")

	refusedCallback(t, s, op, "tujec", "no-account")
	users := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Token: apitest.AdminToken}), 200).Body)
	if strings.Contains(users, "tujec") {
		t.Errorf("a stranger got an account: %s", users)
	}

	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/users/" + id, Token: apitest.AdminToken,
		Body: map[string]string{"status": "disabled"}}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: ana.headers()}), 401, "unauthorized")
	refusedCallback(t, s, op, "ana", "disabled")
}

// A provider that cannot be reached: 503 for an API client, and a
// browser is sent back to /admin/ to read why; without single sign-on
// configured the routes are 404 and the methods say so.
func TestSingleSignOnProviderDown(t *testing.T) {
	dead, err := apitest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s := apitest.Empty(t, map[string]string{"TWINCMS_OIDC_ISSUER": "http://" + dead, "TWINCMS_OIDC_CLIENT_ID": "twincms"})
	began := time.Now()
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/auth/oidc/start"}), 503, "unavailable")
	if d := time.Since(began); d > 12*time.Second {
		t.Errorf("took %v", d)
	}
	res := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/auth/oidc/start", Headers: map[string]string{"Accept": "text/html"}}), 302)
	if res.Header.Get("Location") != "/admin/#sso-error=unavailable" {
		t.Errorf("a browser is sent to %q", res.Header.Get("Location"))
	}

	plain := apitest.Shared(t)
	if m := apitest.Expect(t, plain.Do(t, apitest.Req{Path: "/api/v1/auth/methods"}), 200).Map(t); m["oidc"] != false || m["oidc_start"] != nil {
		t.Errorf("methods without single sign-on: %v", m)
	}
	apitest.ExpectProblem(t, plain.Do(t, apitest.Req{Path: "/api/v1/auth/oidc/start"}), 404, "not-found")
	apitest.ExpectProblem(t, plain.Do(t, apitest.Req{Path: callbackPath + "?state=x&code=y"}), 404, "not-found")
}
