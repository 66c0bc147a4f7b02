package handlers

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/models"
)

// AccountService is people's accounts and sessions (accounts.Service).
type AccountService interface {
	Create(ctx context.Context, in models.UserInput, base string) (*models.User, accounts.Invitation, error)
	Reinvite(ctx context.Context, id, base string) (*models.User, accounts.Invitation, error)
	List(ctx context.Context) ([]models.User, error)
	Get(ctx context.Context, id string) (*models.User, error)
	Update(ctx context.Context, id string, p models.UserPatch) (*models.User, error)
	Delete(ctx context.Context, id string) error
	AcceptInvitation(ctx context.Context, secret, password string) (*models.User, error)
	Login(ctx context.Context, in accounts.LoginInput, cl accounts.Client) (*models.User, *models.Session, string, error)
	Session(ctx context.Context, secret string) (*models.User, *models.Session, error)
	Logout(ctx context.Context, u *models.User, s *models.Session) error
	LogoutEverywhere(ctx context.Context, u *models.User) error
	ListSessions(ctx context.Context, u *models.User, current string) ([]models.Session, error)
	EndSession(ctx context.Context, u *models.User, id string) error
	ChangePassword(ctx context.Context, u *models.User, keep *models.Session, current, next string) error
	StartTOTP(ctx context.Context, u *models.User) (accounts.Enrolment, error)
	ConfirmTOTP(ctx context.Context, u *models.User, code string) ([]string, error)
	DisableTOTP(ctx context.Context, u *models.User) error
	MustEnrol(ctx context.Context, u *models.User) (bool, error)
	TOTPRequiredRoles(ctx context.Context) ([]models.Role, error)
	SetTOTPRequiredRoles(ctx context.Context, roles []models.Role) error
}

// sessionCookie holds a session's secret: HttpOnly, SameSite=Strict,
// Secure over HTTPS.
const sessionCookie = "twincms_session"

// csrfHeader carries the session's CSRF token on every unsafe request
// authenticated by the cookie.
const csrfHeader = "X-CSRF-Token"

// principal is who a request is: a token or a signed-in person. Every
// role check (allowRole) takes one, whichever way it authenticated.
type principal struct {
	Kind string // "token" or "user"
	ID   string
	Name string
	Role models.Role
	// User and Session are set for a person.
	User    *models.User
	Session *models.Session
	// MustEnrol: the role must use a second factor not set up yet.
	MustEnrol bool
}

const localPrincipal = "principal"

func (p principal) actor() models.Actor {
	if p.Kind == "user" {
		return models.Actor{UserID: p.ID, Name: p.Name}
	}
	return models.Actor{TokenID: p.ID, Name: p.Name}
}

func tokenPrincipal(t models.Token) principal {
	return principal{Kind: "token", ID: t.ID, Name: t.Name, Role: t.Role}
}

// enrolPaths are what a person whose role requires a second factor may
// reach before setting one up.
var enrolPaths = []string{"/api/v1/me", "/api/v1/me/totp", "/api/v1/me/totp/confirm", "/api/v1/auth/logout"}

// sessionAuth authenticates a request by its session cookie. Unsafe
// methods also need the session's CSRF token in X-CSRF-Token and a
// same-origin Sec-Fetch-Site or Origin: a cross-site form or fetch
// carries the cookie but can neither read the token nor fake the origin.
func (a *API) sessionAuth(c *fiber.Ctx, roles []models.Role) error {
	u, sess, err := a.d.Accounts.Session(c.UserContext(), c.Cookies(sessionCookie))
	if err != nil {
		if errorsIsUnauthorized(err) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="twincms"`)
			a.clearSessionCookie(c)
			a.authRefused(c, "session ended or unknown")
		}
		return err
	}
	if !safeMethod(c.Method()) {
		if err := a.checkCSRF(c, sess); err != nil {
			return err
		}
	}
	p := principal{Kind: "user", ID: u.ID, Name: u.Name, Role: u.Role, User: u, Session: sess}
	if p.MustEnrol, err = a.d.Accounts.MustEnrol(c.UserContext(), u); err != nil {
		return err
	}
	if p.MustEnrol && !slices.Contains(enrolPaths, strings.TrimPrefix(c.Route().Path, a.prefix())) {
		return fmt.Errorf("%w: your role must use a second factor: set it up on your profile page first", models.ErrForbidden)
	}
	return a.allowRole(c, p, roles)
}

func errorsIsUnauthorized(err error) bool { return errors.Is(err, models.ErrUnauthorized) }

func safeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// checkCSRF: the token must match and the request must come from this
// origin (Sec-Fetch-Site same-origin, else an Origin equal to ours).
func (a *API) checkCSRF(c *fiber.Ctx, sess *models.Session) error {
	tok := c.Get(csrfHeader)
	if tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRF)) != 1 {
		return fmt.Errorf("%w: send the session's CSRF token in X-CSRF-Token (from /api/v1/me)", models.ErrForbidden)
	}
	if !a.sameOrigin(c) {
		return fmt.Errorf("%w: a cross-site request with the session cookie is refused", models.ErrForbidden)
	}
	return nil
}

// sameOrigin tells whether the browser says the request comes from this
// origin: Sec-Fetch-Site when sent, else Origin.
func (a *API) sameOrigin(c *fiber.Ctx) bool {
	if site := c.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin"
	}
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" || origin == "null" {
		return false
	}
	if origin == c.BaseURL() {
		return true
	}
	if a.d.PublicURL != "" {
		if u, err := url.Parse(a.d.PublicURL); err == nil && origin == u.Scheme+"://"+u.Host {
			return true
		}
	}
	return false
}

// crossSite tells whether a browser says the request comes from another
// site (sign-in from a foreign page: login CSRF).
func crossSite(c *fiber.Ctx) bool {
	s := c.Get("Sec-Fetch-Site")
	return s == "cross-site" || s == "same-site"
}

// prefix is the mount prefix of the API ("" at the root).
func (a *API) prefix() string {
	if g, ok := a.r.(*fiber.Group); ok {
		return strings.TrimSuffix(g.Prefix, "/")
	}
	return ""
}

func (a *API) secureCookie(c *fiber.Ctx) bool {
	return strings.HasPrefix(a.d.PublicURL, "https://") || c.Protocol() == "https"
}

func (a *API) setSessionCookie(c *fiber.Ctx, secret string, sess *models.Session) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: secret, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: a.secureCookie(c), Expires: sess.ExpiresAt})
}

func (a *API) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: a.secureCookie(c), MaxAge: -1})
}

// sessionOf is the signed-in person of a request, or a 403 for a token
// (passwords, second factors and sessions are a person's).
func sessionOf(c *fiber.Ctx) (principal, error) {
	p, _ := c.Locals(localPrincipal).(principal)
	if p.Kind != "user" {
		return p, fmt.Errorf("%w: only a signed-in person has a profile; tokens are managed at /api/v1/tokens", models.ErrForbidden)
	}
	return p, nil
}
