package app

import (
	"context"
	"net/http"
	"time"

	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
)

// invitationTTL is how long an invitation link works (issue 24: 7 days).
const invitationTTL = 7 * 24 * time.Hour

// openAccounts builds people's accounts: users, sessions, the sign-in
// policy, the failed sign-in limiter and, when configured, the mailer.
func (a *App) openAccounts(ctx context.Context) error {
	users, err := storage.NewUsers(ctx, a.DB)
	if err != nil {
		return err
	}
	sessions, err := storage.NewSessions(ctx, a.DB)
	if err != nil {
		return err
	}
	a.Accounts = &accounts.Service{Users: users, Sessions: sessions, Policy: storage.NewSettings(a.DB),
		Hook: a.changed, NewID: storage.NewUserID, Limiter: accounts.NewLimiter(nil), Logger: a.Logger,
		TOTPIssuer: "twincms " + a.Cfg.Organization,
		Cfg: accounts.Config{PublicURL: a.Cfg.PublicURL, IdleTimeout: a.Cfg.SessionIdleTimeout, MaxAge: a.Cfg.SessionMaxAge,
			InvitationTTL: invitationTTL, Params: accounts.DefaultParams}}
	if a.Cfg.SMTP.Host != "" {
		a.Accounts.Mailer = &accounts.SMTPMailer{Cfg: a.Cfg.SMTP, Site: "twincms " + a.Cfg.Organization}
	}
	return a.openSSO()
}

// openSSO builds single sign-on when an OpenID provider is configured.
// Its flow cookie is sealed with a key derived like the public link key,
// so every instance on the same store can finish a flow.
func (a *App) openSSO() error {
	o := a.Cfg.OIDC
	if !o.Enabled() {
		return nil
	}
	key, err := a.derivedKey("twincms sso flow v1")
	if err != nil {
		return err
	}
	roles := make([]accounts.RoleMapping, len(o.RoleMap))
	for i, m := range o.RoleMap {
		roles[i] = accounts.RoleMapping{Value: m.Value, Role: models.Role(m.Role)}
	}
	a.SSO = &accounts.SSO{Accounts: a.Accounts, Cfg: accounts.SSOConfig{Issuer: o.Issuer, ClientID: o.ClientID,
		ClientSecret: o.ClientSecret, Scopes: o.Scopes, RoleClaim: o.RoleClaim, RoleMap: roles, AutoCreate: o.AutoCreate,
		Key: key, HTTP: &http.Client{Timeout: 10 * time.Second}}}
	return nil
}
