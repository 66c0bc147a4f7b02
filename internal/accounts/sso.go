package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/jesenice/twincms/models"
	"golang.org/x/oauth2"
)

// SSOConfig is single sign-on with an OpenID provider (config.OIDC).
type SSOConfig struct {
	Issuer, ClientID, ClientSecret string
	// Scopes are asked for besides openid.
	Scopes []string
	// RoleClaim is the claim (a dotted path) RoleMap maps; RoleMap's
	// first value the person has gives the role.
	RoleClaim string
	RoleMap   []RoleMapping
	// AutoCreate lets a first sign-in make the account.
	AutoCreate bool
	// Key seals the flow cookie (32 bytes, the same on every instance).
	Key []byte
	// HTTP talks to the provider (bounded by its timeout).
	HTTP *http.Client
}

// RoleMapping gives Role to people whose role claim holds Value.
type RoleMapping struct {
	Value string
	Role  models.Role
}

// SSO signs people in through an OpenID provider: the authorization code
// flow with PKCE (S256), state and nonce. The provider's metadata is
// discovered at the first sign-in, not at start, so twincms starts while
// the provider is down; a failed discovery is tried again next time.
type SSO struct {
	Cfg      SSOConfig
	Accounts *Service

	mu       sync.Mutex
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
}

// SSOError is a refused single sign-on: Code is what the admin UI shows
// (state, denied, token, no-account, no-role, disabled, unavailable).
type SSOError struct {
	Code string
	Err  error
}

func (e *SSOError) Error() string { return e.Err.Error() }
func (e *SSOError) Unwrap() error { return e.Err }

func ssoError(code string, kind error, msg string) error {
	return &SSOError{Code: code, Err: fmt.Errorf("%w: %s", kind, msg)}
}

// discover returns the provider, discovering it when not known yet.
func (s *SSO) discover(ctx context.Context) (*oidc.Provider, *oidc.IDTokenVerifier, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider != nil {
		return s.provider, s.verifier, nil
	}
	dctx, cancel := context.WithTimeout(s.clientContext(ctx), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, s.Cfg.Issuer)
	if err != nil {
		s.Accounts.Logger.WarnContext(ctx, "single sign-on: the provider's discovery failed", "issuer", s.Cfg.Issuer, "err", err)
		return nil, nil, ssoError("unavailable", models.ErrUnavailable, "the single sign-on provider cannot be reached; try again later")
	}
	s.provider = p
	s.verifier = p.Verifier(&oidc.Config{ClientID: s.Cfg.ClientID})
	return s.provider, s.verifier, nil
}

func (s *SSO) clientContext(ctx context.Context) context.Context {
	if s.Cfg.HTTP == nil {
		return ctx
	}
	return oidc.ClientContext(ctx, s.Cfg.HTTP)
}

func (s *SSO) oauth(p *oidc.Provider, redirectURL string) *oauth2.Config {
	return &oauth2.Config{ClientID: s.Cfg.ClientID, ClientSecret: s.Cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirectURL, Scopes: append([]string{oidc.ScopeOpenID}, s.Cfg.Scopes...)}
}

// Start begins a sign-in: the provider's authorization URL to send the
// browser to, and the sealed flow for its cookie. redirectURL is the
// callback registered at the provider.
func (s *SSO) Start(ctx context.Context, redirectURL string) (authURL, sealed string, err error) {
	p, _, err := s.discover(ctx)
	if err != nil {
		return "", "", err
	}
	f := flow{State: newSecret(), Nonce: newSecret(), Verifier: oauth2.GenerateVerifier(), Expires: models.Now().Add(flowTTL).Unix()}
	if sealed, err = sealFlow(s.Cfg.Key, f); err != nil {
		return "", "", err
	}
	return s.oauth(p, redirectURL).AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), sealed, nil
}

// Callback is what the provider sends the browser back with.
type Callback struct {
	State, Code string
	// Error and ErrorDescription: the provider refused (access_denied).
	Error, ErrorDescription string
}

// Finish completes a sign-in: the flow must match the state, the code is
// exchanged with the PKCE verifier, the ID token's signature, issuer,
// audience, expiry and nonce are checked, and the person found (or made)
// and given their role. It opens a session as Login does.
func (s *SSO) Finish(ctx context.Context, redirectURL, sealed string, cb Callback, cl Client) (*models.User, *models.Session, string, error) {
	f, err := openFlow(s.Cfg.Key, sealed, cb.State, models.Now())
	if err != nil {
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: "+err.Error(),
			ssoError("state", models.ErrForbidden, "the sign-in was not started here or took too long; start it again"))
	}
	if cb.Error != "" {
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: the provider answered "+trim(cb.Error, 60),
			ssoError("denied", models.ErrForbidden, "the single sign-on provider did not sign you in"))
	}
	if cb.Code == "" || len(cb.Code) > 2048 {
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: no code",
			ssoError("token", models.ErrForbidden, "the provider sent no authorization code"))
	}
	p, verifier, err := s.discover(ctx)
	if err != nil {
		return nil, nil, "", err
	}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if s.Cfg.HTTP != nil {
		cctx = context.WithValue(cctx, oauth2.HTTPClient, s.Cfg.HTTP)
	}
	tok, err := s.oauth(p, redirectURL).Exchange(cctx, cb.Code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if !errors.As(err, &re) {
			s.Accounts.Logger.WarnContext(ctx, "single sign-on: the token request failed", "err", err)
			return nil, nil, "", ssoError("unavailable", models.ErrUnavailable, "the single sign-on provider cannot be reached; try again later")
		}
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: the code was refused ("+trim(re.ErrorCode, 60)+")",
			ssoError("token", models.ErrForbidden, "the provider refused the authorization code"))
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := verifier.Verify(cctx, raw)
	if err == nil && nonceDiffers(id.Nonce, f.Nonce) {
		err = errors.New("the nonce differs")
	}
	if err == nil && id.AccessTokenHash != "" {
		err = id.VerifyAccessToken(tok.AccessToken)
	}
	if err != nil {
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: the ID token was refused: "+trim(err.Error(), 200),
			ssoError("token", models.ErrForbidden, "the provider's ID token did not pass its checks"))
	}
	c, err := s.claims(cctx, p, tok, id)
	if err != nil {
		return s.refused(ctx, models.Actor{Name: "unknown"}, "single sign-on: "+trim(err.Error(), 200),
			ssoError("token", models.ErrForbidden, "the provider's answer about you could not be read"))
	}
	u, err := s.person(ctx, c)
	if err != nil {
		var se *SSOError
		if errors.As(err, &se) {
			return s.refused(ctx, models.Actor{UserID: userIDOf(u), Name: c.displayName()}, "single sign-on: "+se.Code, err)
		}
		return nil, nil, "", err
	}
	return s.Accounts.open(ctx, u, cl, "sso", nil)
}

func userIDOf(u *models.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

func (s *SSO) refused(ctx context.Context, actor models.Actor, detail string, err error) (*models.User, *models.Session, string, error) {
	s.Accounts.signInEvent(ctx, actor, "", models.ActionSignInFailed, detail)
	return nil, nil, "", err
}

// nonceDiffers: the ID token must carry the nonce this flow sent.
func nonceDiffers(got, sent string) bool { return got == "" || got != sent }

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
