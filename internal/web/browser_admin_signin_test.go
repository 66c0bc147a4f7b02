//go:build browser

package web_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/pquerna/otp/totp"
)

// shots is where the sign-in tests' screenshots go: TWINCMS_SCREENSHOTS,
// else a temp dir.
func shots(t *testing.T) string {
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// both takes name-1280 and name-375 screenshots of the page as it is,
// failing when the phone width scrolls sideways.
func (u *ui) both(dir, name string) {
	u.t.Helper()
	u.screenshot(dir, name+"-1280")
	u.viewport(375, 800, true)
	var sw int64
	u.eval(`document.documentElement.scrollWidth`, &sw)
	if sw > 375 {
		u.t.Errorf("%s is %d px wide at 375 px", name, sw)
	}
	u.screenshot(dir, name+"-375")
	u.viewport(1280, 900, false)
}

// type_ types text into the element sel with the keyboard.
func (u *ui) typeInto(sel, text string) {
	u.t.Helper()
	u.run(chromedp.Focus(sel), chromedp.SendKeys(sel, text))
}

// A person opens the invitation link, sets a password on the invitation
// screen, signs in with email and password (the session's cookie unseen
// by scripts, no token kept), signs out; after enrolling a second factor
// the sign-in asks for its code and takes it.
func TestBrowserAdminPasswordAndTOTPSignIn(t *testing.T) {
	s := apitest.Shared(t)
	dir := shots(t)
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/users", Token: apitest.AdminToken,
		Body: map[string]string{"email": "tina.bizjak@jesenice.si", "name": "Tina Bizjak", "role": "editor"}}), 201).Map(t)
	link := r["invitation_link"].(string)
	const pw = "Karavanke so lepe 2026"

	u := newBrowser(t)
	u.run(chromedp.Navigate(link), chromedp.WaitVisible(`#invitation input[name=new_password]`))
	u.axe("invitation")
	u.both(dir, "invitation")
	var href string
	u.eval(`location.href`, &href)
	if strings.Contains(href, "invitation=") {
		t.Errorf("the invitation secret stays in the address: %s", href)
	}
	u.typeInto(`#invitation input[name=new_password]`, pw)
	u.typeInto(`#invitation input[name=repeat_password]`, pw+"x\n")
	u.waitJS(`document.querySelector("#invitation-error").textContent === "Gesli se ne ujemata."`)
	u.setValue(`#invitation input[name=repeat_password]`, pw)
	u.run(chromedp.Click(`#invitation button[type=submit]`))
	u.waitJS(`document.querySelector("#signin-password") && document.querySelector("#signin-error").textContent === "Geslo je nastavljeno. Prijavite se."`)
	var email string
	u.eval(`document.querySelector("#signin-password input[name=email]").value`, &email)
	if email != "tina.bizjak@jesenice.si" {
		t.Fatalf("email prefilled %q", email)
	}
	u.typeInto(`#signin-password input[name=password]`, "napačno geslo\n")
	u.waitJS(`document.querySelector("#signin-error").textContent === "Napačen e-poštni naslov ali geslo"`)
	u.setValue(`#signin-password input[name=password]`, "")
	u.typeInto(`#signin-password input[name=password]`, pw+"\n")
	u.waitJS(`!document.querySelector("#who").hidden && document.body.dataset.route === "#/dashboard"`)
	if who := u.text("#who"); !strings.Contains(who, "Tina Bizjak") || !strings.Contains(who, "Urednik") {
		t.Fatalf("who %q", who)
	}
	var cookies string
	u.eval(`document.cookie + "|" + (sessionStorage.getItem("twincms.token") || "")`, &cookies)
	if strings.Contains(cookies, "twincms_session") || cookies != "|" {
		t.Errorf("scripts see %q", cookies)
	}
	// A reload keeps the session (the cookie); signing out ends it.
	u.run(chromedp.Reload())
	u.waitJS(`document.querySelector("#who") && !document.querySelector("#who").hidden && document.body.dataset.route`)
	u.run(chromedp.Click(`#signout`))
	u.waitJS(`document.querySelector("#signin-error") && document.querySelector("#signin-error").textContent === "Odjavljeni ste."`)
	u.run(chromedp.Reload())
	u.waitJS(`document.querySelector("#signin-password")`)

	// A second factor, enrolled through the API with a session of hers.
	login := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"email": "tina.bizjak@jesenice.si", "password": pw}}), 200)
	var cookie string
	for _, c := range (&http.Response{Header: login.Header}).Cookies() {
		if c.Name == "twincms_session" {
			cookie = c.Value
		}
	}
	hdr := map[string]string{"Cookie": "twincms_session=" + cookie, "X-CSRF-Token": login.Map(t)["csrf_token"].(string), "Sec-Fetch-Site": "same-origin"}
	secret := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp", Headers: hdr}), 201).Map(t)["secret"].(string)
	now := time.Now()
	code, _ := totp.GenerateCode(secret, now)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/me/totp/confirm", Headers: hdr, Body: map[string]string{"code": code}}), 200)

	u.typeInto(`#signin-password input[name=email]`, "tina.bizjak@jesenice.si")
	u.typeInto(`#signin-password input[name=password]`, pw+"\n")
	u.waitJS(`document.querySelector("#signin-error").textContent === "Vnesite kodo iz aplikacije za preverjanje." && document.activeElement.name === "totp"`)
	u.axe("sign-in asking for the code")
	u.both(dir, "signin-totp")
	u.run(chromedp.SendKeys(`#signin-password input[name=totp]`, "000000\n"))
	u.waitJS(`document.querySelector("#signin-error").textContent === "Napačna koda"`)
	next, _ := totp.GenerateCode(secret, now.Add(30*time.Second))
	u.run(chromedp.SendKeys(`#signin-password input[name=totp]`, next+"\n"))
	u.waitJS(`!document.querySelector("#who").hidden && document.body.dataset.route === "#/dashboard"`)
	if who := u.text("#who"); !strings.Contains(who, "Tina Bizjak") {
		t.Fatalf("who %q", who)
	}
}

// An editor signs in through the municipality's OpenID provider (a real
// one, on another site: localhost against twincms's 127.0.0.1) in
// Chromium: the button on the sign-in screen, the provider's own login
// page, back signed in with the role the groups map to, and publishes a
// draft with the session's CSRF token. A refused sign-in comes back with
// the reason in the interface's language.
func TestBrowserAdminSingleSignOn(t *testing.T) {
	dir := shots(t)
	op := apitest.StartOpenIDProvider(t, "localhost")
	s := apitest.Empty(t, map[string]string{"TWINCMS_OIDC_ISSUER": op.Issuer, "TWINCMS_OIDC_CLIENT_ID": op.ClientID,
		"TWINCMS_OIDC_CLIENT_SECRET": op.ClientSecret, "TWINCMS_OIDC_AUTO_CREATE": "true",
		"TWINCMS_OIDC_ROLE_MAP": "twincms-urednistvo=editor,twincms-skrbniki=admin"})
	op.Register(s.Base + "/api/v1/auth/oidc/callback")
	op.AddUser("sub-petra", "petra", "geslo-pri-ponudniku", "Petra", "Lotrič", "petra.lotric@jesenice.si", "zaposleni", "twincms-urednistvo")
	op.AddUser("sub-gost", "gost", "geslo-pri-ponudniku", "Gost", "Obiskovalec", "gost@example.org", "zaposleni")
	created := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken,
		Body: apitest.MinimalPartnership("sso-ruse", "Ruse")}), 201).Map(t)
	id := created["id"].(string)

	u := newBrowser(t)
	u.base = s.Base
	u.run(chromedp.Navigate(s.Base+"/admin/"), chromedp.WaitVisible(`#signin-sso`))
	if got := u.text("#signin-sso"); got != "Prijava z enotno prijavo" {
		t.Fatalf("SSO button %q", got)
	}
	u.axe("sign-in with single sign-on")
	u.both(dir, "signin-sso")
	u.setValue(`#ui-lang`, "en")
	u.waitJS(`document.querySelector("#signin-sso") && document.querySelector("#signin-sso").textContent === "Sign in with single sign-on"`)
	u.setValue(`#ui-lang`, "sl")
	u.waitJS(`document.querySelector("#signin-sso") && document.querySelector("#signin-sso").textContent === "Prijava z enotno prijavo"`)

	signInAt := func(username string) {
		t.Helper()
		u.run(chromedp.Click(`#signin-sso`))
		u.waitJS(fmt.Sprintf(`location.origin === %q && document.querySelector("#username")`, op.Issuer))
		u.run(chromedp.SendKeys(`#username`, username), chromedp.SendKeys(`#password`, "geslo-pri-ponudniku\n"))
	}
	// No twincms role at the provider: back to the sign-in with why.
	signInAt("gost")
	u.waitJS(fmt.Sprintf(`location.origin === %q && document.querySelector("#signin-error") && document.querySelector("#signin-error").textContent !== ""`, s.Base))
	if got := u.text("#signin-error"); got != "Pri ponudniku enotne prijave nimate vloge za twincms. Obrnite se na skrbnika." {
		t.Fatalf("refusal shown %q", got)
	}
	var href string
	u.eval(`location.href`, &href)
	if strings.Contains(href, "sso-error") {
		t.Errorf("the address keeps %s", href)
	}

	signInAt("petra")
	u.waitJS(fmt.Sprintf(`location.origin === %q && document.querySelector("#who") && !document.querySelector("#who").hidden && document.body.dataset.route`, s.Base))
	if who := u.text("#who"); who != "Petra Lotrič · Urednik" {
		t.Fatalf("who %q", who)
	}
	u.open("#/partnerships/" + id)
	u.run(chromedp.Click(`#publish`))
	u.waitJS(`document.querySelector("#record-status").dataset.status === "published"`)
	pub := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + id, Token: apitest.AdminToken}), 200).Map(t)
	if pub["status"] != "published" || !strings.HasPrefix(fmt.Sprint(pub["updated_by"]), "Petra") && !strings.HasPrefix(fmt.Sprint(pub["updated_by"]), "user:") {
		t.Fatalf("after publishing: status %v, updated_by %v", pub["status"], pub["updated_by"])
	}
	apitest.WaitFor(t, 10*time.Second, "the published partnership on the public API", func() bool {
		return s.Do(t, apitest.Req{Path: "/api/v1/public/partnerships/sso-ruse"}).Status == 200
	})
	audit := string(apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/audit?action=sign_in&per_page=50", Token: apitest.AdminToken}), 200).Body)
	if !strings.Contains(audit, "Petra Lotrič") {
		t.Errorf("the sign-in is not in the audit log: %s", audit)
	}
	// The dashboard's recent changes name who published, by name.
	u.open("#/dashboard")
	u.waitJS(`document.querySelector("#recent li")`)
	if recent := u.text("#recent"); !strings.Contains(recent, "Petra Lotrič") {
		t.Errorf("recent changes do not name the person: %q", recent)
	}
	u.run(chromedp.Click(`#signout`))
	u.waitJS(`document.querySelector("#signin-error") && document.querySelector("#signin-error").textContent === "Odjavljeni ste."`)
}
