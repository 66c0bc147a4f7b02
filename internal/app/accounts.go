package app

import (
	"context"
	"time"

	"github.com/jesenice/twincms/internal/accounts"
	"github.com/jesenice/twincms/internal/storage"
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
	return nil
}
