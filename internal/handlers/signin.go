package handlers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/models"
)

// signedIn is the body of a sign-in: the person, the session's CSRF
// token (for X-CSRF-Token) and when the session ends at the latest.
type signedIn struct {
	User           *models.User `json:"user"`
	CSRFToken      string       `json:"csrf_token"`
	SessionExpires time.Time    `json:"session_expires"`
	MustEnrolTOTP  bool         `json:"must_enrol_totp"`
}

// invitationAccept is POST /auth/invitation.
type invitationAccept struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// passwordChange is PUT /me/password.
type passwordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// totpCode is POST /me/totp/confirm.
type totpCode struct {
	Code string `json:"code"`
}

// passwordConfirm is POST /me/totp/disable.
type passwordConfirm struct {
	Password string `json:"password"`
}

// recoveryCodesView is the answer of POST /me/totp/confirm: shown once.
type recoveryCodesView struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// login: POST /auth/login — email, password and (when enrolled) a code;
// 200 with the session cookie. Too many failures: 429 with Retry-After.
func (a *API) login(c *fiber.Ctx) error {
	client := a.clientAddr(c).String()
	ctx := models.WithClient(c.UserContext(), client)
	c.SetUserContext(ctx)
	if crossSite(c) {
		return fmt.Errorf("%w: sign in from twincms's own pages", models.ErrForbidden)
	}
	var in accounts.LoginInput
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	u, sess, secret, err := a.d.Accounts.Login(ctx, in, accounts.Client{Address: client, UserAgent: c.Get(fiber.HeaderUserAgent)})
	if err != nil {
		var rl *models.RateLimited
		if asRateLimited(err, &rl) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
		}
		return err
	}
	must, err := a.d.Accounts.MustEnrol(ctx, u)
	if err != nil {
		return err
	}
	a.setSessionCookie(c, secret, sess)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(signedIn{User: u, CSRFToken: sess.CSRF, SessionExpires: sess.ExpiresAt, MustEnrolTOTP: must})
}

// logout: POST /auth/logout — ends this session and clears the cookie.
func (a *API) logout(c *fiber.Ctx) error {
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	if err := a.d.Accounts.Logout(c.UserContext(), p.User, p.Session); err != nil {
		return err
	}
	a.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// acceptInvitation: POST /auth/invitation — the invited person sets a
// password; they then sign in.
func (a *API) acceptInvitation(c *fiber.Ctx) error {
	c.SetUserContext(models.WithClient(c.UserContext(), a.clientAddr(c).String()))
	var in invitationAccept
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	u, err := a.d.Accounts.AcceptInvitation(c.UserContext(), strings.TrimSpace(in.Token), in.Password)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(u)
}

func (a *API) changePassword(c *fiber.Ctx) error {
	var in passwordChange
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	if err := a.d.Accounts.ChangePassword(c.UserContext(), p.User, p.Session, in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) listSessions(c *fiber.Ctx) error {
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	list, err := a.d.Accounts.ListSessions(c.UserContext(), p.User, p.Session.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(itemsOf[models.Session]{Items: list})
}

// logoutEverywhere: DELETE /me/sessions — every session of the person
// ends, this one too.
func (a *API) logoutEverywhere(c *fiber.Ctx) error {
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	if err := a.d.Accounts.LogoutEverywhere(c.UserContext(), p.User); err != nil {
		return err
	}
	a.clearSessionCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) endSession(c *fiber.Ctx) error {
	p, err := sessionOf(c)
	if err != nil {
		return fmt.Errorf("%w: a token has no sessions", models.ErrNotFound)
	}
	if err := a.d.Accounts.EndSession(c.UserContext(), p.User, strings.Clone(c.Params("id"))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *API) startTOTP(c *fiber.Ctx) error {
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	e, err := a.d.Accounts.StartTOTP(c.UserContext(), p.User)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (a *API) confirmTOTP(c *fiber.Ctx) error {
	var in totpCode
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	codes, err := a.d.Accounts.ConfirmTOTP(c.UserContext(), p.User, in.Code)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(recoveryCodesView{RecoveryCodes: codes})
}

// disableTOTP: POST /me/totp/disable with the password (a session left
// open must not be enough), unless the role requires a second factor.
func (a *API) disableTOTP(c *fiber.Ctx) error {
	var in passwordConfirm
	if err := decodeStrict(c, a.d.MaxJSONBytes, &in); err != nil {
		return err
	}
	p, err := sessionOf(c)
	if err != nil {
		return err
	}
	ok, _, err := accounts.VerifyPassword(c.UserContext(), in.Password, p.User.PasswordHash, accounts.DefaultParams)
	if err != nil || !ok {
		var pr models.Problems
		pr.Add("password", "is wrong")
		return pr.Err(models.ErrInvalid)
	}
	if err := a.d.Accounts.DisableTOTP(c.UserContext(), p.User); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func asRateLimited(err error, dst **models.RateLimited) bool { return errors.As(err, dst) }
