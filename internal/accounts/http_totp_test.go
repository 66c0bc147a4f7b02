package accounts_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/pquerna/otp/totp"
)

// A person enrols a second factor with the QR code's secret, then signs
// in only with a code (each used once) or a recovery code (once).
func TestTOTPEnrolAndSignIn(t *testing.T) {
	s := apitest.Shared(t)
	const pw = "Planina pod Golico 1200"
	p := enrol(t, s, "franc@jesenice.si", "Franc Kralj", "editor", pw)

	e := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp", Headers: p.headers()}), 201).Map(t)
	secret := e["secret"].(string)
	if !strings.HasPrefix(e["otpauth_url"].(string), "otpauth://totp/") || !strings.HasPrefix(e["qr_png"].(string), "data:image/png;base64,") {
		t.Fatalf("enrolment: %v", e)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp/confirm", Headers: p.headers(),
		Body: map[string]string{"code": "000000"}}), 422, "validation-failed")
	now := time.Now()
	code, _ := totp.GenerateCode(secret, now)
	rc := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp/confirm", Headers: p.headers(),
		Body: map[string]string{"code": code}}), 200).Map(t)["recovery_codes"].([]any)
	if len(rc) != 10 {
		t.Fatalf("%d recovery codes", len(rc))
	}
	if me := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: p.headers()}), 200).Map(t); me["totp_enabled"] != true {
		t.Fatalf("me after enrolment: %v", me)
	}

	login := func(code string) apitest.Resp {
		return s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login", Body: map[string]string{"email": "franc@jesenice.si", "password": pw, "totp": code}})
	}
	apitest.ExpectProblem(t, login(""), 401, "second-factor-required")
	apitest.ExpectProblem(t, login(code), 401, "second-factor-required") // the code confirmed the enrolment: used up
	next, _ := totp.GenerateCode(secret, now.Add(30*time.Second))
	apitest.Expect(t, login(next), 200)
	apitest.ExpectProblem(t, login(next), 401, "second-factor-required") // replayed
	apitest.Expect(t, login(rc[0].(string)), 200)
	apitest.ExpectProblem(t, login(rc[0].(string)), 401, "second-factor-required") // spent

	audit := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?resource=session&per_page=100", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(audit, "wrong second-factor code") || strings.Contains(audit, next) {
		t.Errorf("audit log: %s", audit)
	}
}

// An admin requires a second factor of editors: a signed-in editor
// without one may only enrol until they have.
func TestTOTPRequiredForRole(t *testing.T) {
	s := apitest.Shared(t)
	p := enrol(t, s, "gaja@jesenice.si", "Gaja Hribar", "editor", "Sava Dolinka teče")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/auth/policy", Token: apitest.AdminToken,
		Body: map[string]any{"totp_required_roles": []string{"king"}}}), 422, "validation-failed")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/auth/policy", Token: apitest.AdminToken,
		Body: map[string]any{"totp_required_roles": []string{"editor"}}}), 200)
	t.Cleanup(func() {
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "PUT", Path: "/api/v1/auth/policy", Token: apitest.AdminToken,
			Body: map[string]any{"totp_required_roles": []string{}}}), 200)
	})
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships", Headers: p.headers()}), 403, "forbidden")
	if me := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/me", Headers: p.headers()}), 200).Map(t); me["must_enrol_totp"] != true {
		t.Fatalf("me: %v", me)
	}
	secret := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp", Headers: p.headers()}), 201).Map(t)["secret"].(string)
	code, _ := totp.GenerateCode(secret, time.Now())
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp/confirm", Headers: p.headers(), Body: map[string]string{"code": code}}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships", Headers: p.headers()}), 200)
	// An admin removes it (a lost phone): the editor must enrol again.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/users/" + p.id + "/totp", Token: apitest.AdminToken}), 204)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships", Headers: p.headers()}), 403, "forbidden")
}
