package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/models"
)

// SSOService is single sign-on with an OpenID provider (accounts.SSO).
type SSOService interface {
	Start(ctx context.Context, redirectURL string) (authURL, sealed string, err error)
	Finish(ctx context.Context, redirectURL, sealed string, cb accounts.Callback, cl accounts.Client) (*models.User, *models.Session, string, error)
}

// ssoCookie carries a sign-in flow's sealed state, nonce and PKCE
// verifier from the start to the callback. SameSite=Lax: the provider's
// redirect back is a top-level navigation from its site.
const ssoCookie = "twincms_sso"

const ssoCallbackPath = "/api/v1/auth/oidc/callback"

// signInMethods is GET /auth/methods: what the sign-in screen offers.
type signInMethods struct {
	Password bool `json:"password"`
	// OIDC: single sign-on is configured; OIDCStart is where it begins.
	OIDC      bool   `json:"oidc"`
	OIDCStart string `json:"oidc_start,omitempty"`
	// SignedIn: the request's session cookie names a live session (the
	// admin UI asks /me then, and nobody unsigned is refused for asking).
	SignedIn bool `json:"signed_in"`
}

func (a *API) signInMethods(c *fiber.Ctx) error {
	m := signInMethods{Password: a.d.Accounts != nil, OIDC: a.d.SSO != nil}
	if cookie := c.Cookies(sessionCookie); cookie != "" && a.d.Accounts != nil {
		_, _, err := a.d.Accounts.Session(c.UserContext(), cookie)
		if err != nil && !errorsIsUnauthorized(err) {
			return err
		}
		m.SignedIn = err == nil
	}
	if m.OIDC {
		m.OIDCStart = a.prefix() + "/api/v1/auth/oidc/start"
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(m)
}

// ssoRedirectURL is the callback the provider sends the browser back to:
// under TWINCMS_PUBLIC_URL when set (what is registered at the provider),
// else the URL the request came to.
func (a *API) ssoRedirectURL(c *fiber.Ctx) string {
	if a.d.PublicURL != "" {
		return strings.TrimSuffix(a.d.PublicURL, "/") + ssoCallbackPath
	}
	return a.baseURL(c) + ssoCallbackPath
}

func (a *API) ssoCookiePath() string { return a.prefix() + "/api/v1/auth/oidc/" }

// oidcStart: GET /auth/oidc/start — sends the browser to the provider.
func (a *API) oidcStart(c *fiber.Ctx) error {
	if a.d.SSO == nil {
		return fmt.Errorf("%w: single sign-on is not configured", models.ErrNotFound)
	}
	authURL, sealed, err := a.d.SSO.Start(c.UserContext(), a.ssoRedirectURL(c))
	if err != nil {
		return a.ssoFailed(c, err)
	}
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: sealed, Path: a.ssoCookiePath(), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: a.secureCookie(c), MaxAge: 600})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(authURL, fiber.StatusFound)
}

// oidcCallback: GET /auth/oidc/callback — the provider's answer: checked,
// the session cookie set, and the browser sent to /admin/.
func (a *API) oidcCallback(c *fiber.Ctx) error {
	if a.d.SSO == nil {
		return fmt.Errorf("%w: single sign-on is not configured", models.ErrNotFound)
	}
	client := a.clientAddr(c).String()
	ctx := models.WithClient(c.UserContext(), client)
	c.SetUserContext(ctx)
	sealed := c.Cookies(ssoCookie)
	// The flow is used once, whatever the outcome.
	c.Cookie(&fiber.Cookie{Name: ssoCookie, Value: "", Path: a.ssoCookiePath(), HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: a.secureCookie(c), MaxAge: -1})
	c.Set(fiber.HeaderCacheControl, "no-store")
	cb := accounts.Callback{State: strings.Clone(c.Query("state")), Code: strings.Clone(c.Query("code")),
		Error: strings.Clone(c.Query("error")), ErrorDescription: strings.Clone(c.Query("error_description"))}
	_, sess, secret, err := a.d.SSO.Finish(ctx, a.ssoRedirectURL(c), sealed, cb, accounts.Client{Address: client, UserAgent: c.Get(fiber.HeaderUserAgent)})
	if err != nil {
		return a.ssoFailed(c, err)
	}
	a.setSessionCookie(c, secret, sess)
	return c.Redirect(a.adminPath(), fiber.StatusFound)
}

func (a *API) adminPath() string {
	if a.d.PublicURL != "" {
		return strings.TrimSuffix(a.d.PublicURL, "/") + "/admin/"
	}
	return a.prefix() + "/admin/"
}

// ssoFailed answers a refused single sign-on: a browser navigating goes
// back to /admin/ with the reason's code (#sso-error=...), which the
// sign-in screen explains in its language; anything else gets the
// problem.
func (a *API) ssoFailed(c *fiber.Ctx, err error) error {
	var se *accounts.SSOError
	if !errors.As(err, &se) || !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
		return err
	}
	a.d.Logger.InfoContext(c.UserContext(), "single sign-on refused", "code", se.Code, "err", err)
	return c.Redirect(a.adminPath()+"#sso-error="+url.QueryEscape(se.Code), fiber.StatusFound)
}
