//go:build browser

package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/pquerna/otp/totp"
)

// userByEmail reads a user through the API (nil when there is none).
func userByEmail(t *testing.T, s *apitest.Server, email string) map[string]any {
	t.Helper()
	for _, it := range apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/users", Token: apitest.AdminToken}), 200).Map(t)["items"].([]any) {
		if u := it.(map[string]any); u["email"] == email {
			return u
		}
	}
	return nil
}

// An admin invites a person on the users screen (the one-time link
// shown), changes the role, disables and enables the account (asked
// first) and makes a new invitation; the person opens the link in another tab, sets a password,
// signs in, enrols a second factor on the profile page with the QR
// code's key (the recovery codes shown once), sees the session and signs
// out everywhere; the admin deletes the account (asked first).
func TestBrowserAdminUsersAndProfile(t *testing.T) {
	s := apitest.Shared(t)
	dir := shots(t)
	const email, pw = "marko.rozman@jesenice.si", "Mežakla in Golica 1835"
	admin := newBrowser(t)
	admin.signIn(apitest.AdminToken)
	admin.open("#/users")
	admin.axe("users")
	admin.typeInto(`#invite-form input[name=email]`, email)
	admin.typeInto(`#invite-form input[name=name]`, "Marko Rozman")
	admin.setValue(`#invite-form select[name=role]`, "editor")
	admin.run(chromedp.Click(`#invite-form button[type=submit]`))
	admin.waitJS(`document.querySelector("#invitation-link") && document.activeElement.id === "copy-invitation"`)
	var link string
	admin.eval(`document.querySelector("#invitation-link").value`, &link)
	if !strings.Contains(link, "/admin/#invitation=") || !strings.Contains(admin.text("#invitation-note"), "samo enkrat") {
		t.Fatalf("invitation link %q, note %q", link, admin.text("#invitation-note"))
	}
	u := userByEmail(t, s, email)
	if u == nil || u["status"] != "invited" || u["role"] != "editor" {
		t.Fatalf("invited user %v", u)
	}
	id := u["id"].(string)
	admin.waitJS(fmt.Sprintf(`document.querySelector("tr[data-id='%s']")`, id))
	admin.axe("users with an invitation")
	admin.both(dir, "users")

	admin.setValue(fmt.Sprintf(`select[data-user-role=%q]`, id), "archivist")
	apitest.WaitFor(t, 10*time.Second, "the new role", func() bool { return userByEmail(t, s, email)["role"] == "archivist" })
	admin.waitJS(fmt.Sprintf(`document.querySelector("button[data-disable='%s']")`, id))
	admin.run(chromedp.Click(fmt.Sprintf(`button[data-disable=%q]`, id)))
	admin.confirm("Onemogočim uporabnika Marko Rozman")
	apitest.WaitFor(t, 10*time.Second, "disabled", func() bool { return userByEmail(t, s, email)["status"] == "disabled" })
	admin.waitJS(fmt.Sprintf(`document.querySelector("button[data-enable='%s']")`, id))
	admin.run(chromedp.Click(fmt.Sprintf(`button[data-enable=%q]`, id)))
	apitest.WaitFor(t, 10*time.Second, "enabled", func() bool { return userByEmail(t, s, email)["status"] == "invited" })
	admin.setValue(fmt.Sprintf(`select[data-user-role=%q]`, id), "editor")
	apitest.WaitFor(t, 10*time.Second, "editor again", func() bool { return userByEmail(t, s, email)["role"] == "editor" })
	// Disabling ended the invitation: a new one, a new link.
	admin.waitJS(fmt.Sprintf(`document.querySelector("button[data-reinvite='%s']")`, id))
	admin.run(chromedp.Click(fmt.Sprintf(`button[data-reinvite=%q]`, id)))
	admin.waitJS(fmt.Sprintf(`document.querySelector("#invitation-link") && document.querySelector("#invitation-link").value !== %q`, link))
	admin.eval(`document.querySelector("#invitation-link").value`, &link)

	// The person, in another tab.
	p := admin.tab()
	p.run(chromedp.Navigate(link), chromedp.WaitVisible(`#invitation input[name=new_password]`))
	p.typeInto(`#invitation input[name=new_password]`, pw)
	p.typeInto(`#invitation input[name=repeat_password]`, pw+"\n")
	p.waitJS(`document.querySelector("#signin-password")`)
	p.typeInto(`#signin-password input[name=password]`, pw+"\n")
	p.waitJS(`document.querySelector("#profile-link") && document.body.dataset.route === "#/dashboard"`)
	p.run(chromedp.Click(`#profile-link`))
	p.waitJS(`document.body.dataset.route === "#/profile" && document.querySelector("#totp-start") && document.querySelector("#profile-who")`)
	if who := p.text("#profile-who"); !strings.Contains(who, "Marko Rozman") || !strings.Contains(who, email) {
		t.Fatalf("profile shows %q", who)
	}
	p.axe("profile")
	p.both(dir, "profile")
	p.run(chromedp.Click(`#totp-start`))
	p.waitJS(`document.querySelector("#totp-qr") && document.querySelector("#totp-qr").complete && document.querySelector("#totp-qr").naturalWidth > 0`)
	p.axe("profile, enrolling")
	p.both(dir, "profile-totp-qr")
	secret := p.text("#totp-secret")
	p.run(chromedp.SendKeys(`#totp-confirm input[name=code]`, "000000\n"))
	p.waitJS(`document.querySelector("#status").textContent.includes("Napačna koda")`)
	code, _ := totp.GenerateCode(secret, time.Now())
	p.run(chromedp.SendKeys(`#totp-confirm input[name=code]`, code+"\n"))
	p.waitJS(`document.querySelectorAll("#recovery-codes li").length === 10`)
	p.axe("recovery codes")
	p.both(dir, "profile-recovery-codes")
	if me := userByEmail(t, s, email); me["totp_enabled"] != true {
		t.Fatalf("after enrolling: %v", me)
	}
	p.run(chromedp.Click(`#codes-done`))
	p.waitJS(`document.querySelector("#totp-state").textContent === "Drugi faktor je vklopljen." && !document.querySelector("#recovery-codes")`)
	p.waitJS(`document.querySelector("#session-list tr[data-current=true]")`)
	p.run(chromedp.Click(`#signout-everywhere`))
	p.confirm("Odjavim vas na vseh napravah")
	p.waitJS(`document.querySelector("#signin-error") && document.querySelector("#signin-error").textContent === "Odjavljeni ste na vseh napravah."`)

	// The admin deletes the account.
	admin.open("#/users")
	admin.run(chromedp.Click(fmt.Sprintf(`button[data-delete=%q]`, id)))
	admin.confirm("Izbrišem uporabnika Marko Rozman")
	apitest.WaitFor(t, 10*time.Second, "deleted", func() bool { return userByEmail(t, s, email) == nil })
}
