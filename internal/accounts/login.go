package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jesenice/twincms/models"
)

// LoginInput is the body of POST /auth/login.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// TOTP is the authenticator's code or a recovery code, when the
	// account has a second factor.
	TOTP string `json:"totp,omitempty"`
}

// Client is who is signing in: the address and the browser.
type Client struct {
	Address   string
	UserAgent string
}

// errWrongCredentials is the one answer for an unknown email and a wrong
// password, so sign-in does not tell which addresses have accounts.
var errWrongCredentials = fmt.Errorf("%w: the email or the password is wrong", models.ErrUnauthorized)

var (
	dummyOnce sync.Once
	dummyHash string
)

// spendHash verifies against a throwaway hash, so an unknown email takes
// as long as a wrong password.
func (s *Service) spendHash(ctx context.Context, password string) {
	dummyOnce.Do(func() { dummyHash, _ = HashPassword(ctx, "no such account password", s.Cfg.Params) })
	_, _, _ = VerifyPassword(ctx, password, dummyHash, s.Cfg.Params)
}

func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

// signInEvent tells the audit log of a sign-in, a failure or a sign-out.
func (s *Service) signInEvent(ctx context.Context, actor models.Actor, sessionID string, a models.Action, detail string) {
	if s.Hook != nil {
		ctx = models.WithActor(ctx, actor)
		s.Hook(ctx, models.Stamped(ctx, models.Change{Resource: models.ResourceSession, ID: sessionID, Action: a, Detail: detail}))
	}
}

// Login checks email, password and (when enrolled) the second factor and
// opens a session; its secret goes into the cookie only. Failures count
// against the account and the client (429 past the limits, see Limiter).
func (s *Service) Login(ctx context.Context, in LoginInput, cl Client) (*models.User, *models.Session, string, error) {
	email := models.NormalizeEmail(in.Email)
	if email == "" || in.Password == "" || len(in.Password) > MaxPasswordLen || len(email) > 254 {
		return nil, nil, "", fmt.Errorf("%w: send email and password", models.ErrInvalid)
	}
	keys := limitKeys(email, cl.Address)
	if w := s.Limiter.Reserve(keys); w > 0 {
		return nil, nil, "", &models.RateLimited{RetryAfter: w}
	}
	// The try is counted as failed until it is known not to be.
	failed := false
	defer func() {
		if !failed {
			s.Limiter.Release(keys)
		}
	}()
	fail := func(actor models.Actor, detail string, err error) (*models.User, *models.Session, string, error) {
		failed = true
		s.signInEvent(ctx, actor, "", models.ActionSignInFailed, detail)
		return nil, nil, "", err
	}
	u, err := s.Users.ByEmail(ctx, email)
	if err != nil {
		if !isNotFound(err) {
			return nil, nil, "", err
		}
		s.spendHash(ctx, in.Password)
		return fail(models.Actor{Name: "unknown"}, "no account has this email", errWrongCredentials)
	}
	actor := UserActor(u)
	if u.PasswordHash == "" {
		s.spendHash(ctx, in.Password)
		return fail(actor, "the account has no password (invitation open or single sign-on)", errWrongCredentials)
	}
	ok, stale, err := VerifyPassword(ctx, in.Password, u.PasswordHash, s.Cfg.Params)
	if err != nil && !errors.Is(err, errBadHash) {
		return nil, nil, "", err
	}
	if !ok {
		return fail(actor, "wrong password", errWrongCredentials)
	}
	if u.Status != models.UserActive {
		return fail(actor, "the account is disabled", fmt.Errorf("%w: this account is disabled", models.ErrUnauthorized))
	}
	if u.TOTPEnabled {
		if in.TOTP == "" {
			return nil, nil, "", fmt.Errorf("%w: enter the code from your authenticator app", models.ErrSecondFactorRequired)
		}
		used, err := s.checkSecondFactor(ctx, u, in.TOTP)
		if err != nil {
			return nil, nil, "", err
		}
		if used == "" {
			return fail(actor, "wrong second-factor code", fmt.Errorf("%w: the code is wrong", models.ErrSecondFactorRequired))
		}
	}
	if stale {
		if h, err := HashPassword(ctx, in.Password, s.Cfg.Params); err == nil {
			u.PasswordHash = h
		}
	}
	return s.open(ctx, u, cl, "password", keys)
}

// open starts a session of u and records the sign-in.
func (s *Service) open(ctx context.Context, u *models.User, cl Client, method string, keys map[string]string) (*models.User, *models.Session, string, error) {
	now := models.Now()
	secret := newSecret()
	ua := cl.UserAgent
	if len(ua) > 200 {
		ua = ua[:200]
	}
	sess := &models.Session{ID: s.NewID(), Hash: models.HashToken(secret), UserID: u.ID, CSRF: newSecret(),
		Client: cl.Address, UserAgent: ua, Method: method, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.Cfg.MaxAge)}
	if err := s.Sessions.Insert(ctx, sess); err != nil {
		return nil, nil, "", err
	}
	u.LastSignIn = &now
	if err := s.Users.Replace(ctx, u); err != nil {
		return nil, nil, "", err
	}
	if keys != nil {
		s.Limiter.Succeeded(keys)
	}
	s.signInEvent(ctx, UserActor(u), sess.ID, models.ActionSignIn, method)
	return u, sess, secret, nil
}

// touchEvery is how stale a session's last_seen may get before a request
// writes it again (one write a minute at most, not one a request).
const touchEvery = time.Minute

// Session finds the signed-in person of a cookie's secret: the session
// must be within its idle and absolute timeouts and its user active.
func (s *Service) Session(ctx context.Context, secret string) (*models.User, *models.Session, error) {
	refused := fmt.Errorf("%w: the session has ended; sign in again", models.ErrUnauthorized)
	if secret == "" || len(secret) > 100 {
		return nil, nil, refused
	}
	sess, err := s.Sessions.ByHash(ctx, models.HashToken(secret))
	if err != nil {
		if isNotFound(err) {
			return nil, nil, refused
		}
		return nil, nil, err
	}
	now := models.Now()
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeen) > s.Cfg.IdleTimeout {
		_ = s.Sessions.Delete(ctx, sess.UserID, sess.ID)
		return nil, nil, refused
	}
	u, err := s.Users.Get(ctx, sess.UserID)
	if err != nil {
		if isNotFound(err) {
			return nil, nil, refused
		}
		return nil, nil, err
	}
	if u.Status != models.UserActive {
		return nil, nil, refused
	}
	if now.Sub(sess.LastSeen) > touchEvery {
		if err := s.Sessions.Touch(ctx, sess.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return u, sess, nil
}

// Logout ends one session.
func (s *Service) Logout(ctx context.Context, u *models.User, sess *models.Session) error {
	if err := s.Sessions.Delete(ctx, u.ID, sess.ID); err != nil && !isNotFound(err) {
		return err
	}
	s.signInEvent(ctx, UserActor(u), sess.ID, models.ActionSignOut, "this session")
	return nil
}

// LogoutEverywhere ends every session of u.
func (s *Service) LogoutEverywhere(ctx context.Context, u *models.User) error {
	n, err := s.Sessions.DeleteUser(ctx, u.ID)
	if err != nil {
		return err
	}
	s.signInEvent(ctx, UserActor(u), "", models.ActionSignOut, fmt.Sprintf("every session (%d)", n))
	return nil
}

// ListSessions returns u's sessions, current marking the request's.
func (s *Service) ListSessions(ctx context.Context, u *models.User, current string) ([]models.Session, error) {
	list, err := s.Sessions.ListUser(ctx, u.ID)
	for i := range list {
		list[i].Current = list[i].ID == current
	}
	return list, err
}

// EndSession ends one of u's sessions (a lost laptop).
func (s *Service) EndSession(ctx context.Context, u *models.User, id string) error {
	if err := s.Sessions.Delete(ctx, u.ID, id); err != nil {
		return err
	}
	s.signInEvent(ctx, UserActor(u), id, models.ActionSignOut, "ended from another session")
	return nil
}

// ChangePassword sets a new password after checking the current one;
// the person's other sessions end.
func (s *Service) ChangePassword(ctx context.Context, u *models.User, keep *models.Session, current, next string) error {
	if u.PasswordHash == "" {
		return fmt.Errorf("%w: this account signs in through single sign-on", models.ErrConflict)
	}
	ok, _, err := VerifyPassword(ctx, current, u.PasswordHash, s.Cfg.Params)
	if err != nil {
		return err
	}
	if !ok {
		var p models.Problems
		p.Add("current_password", "is wrong")
		return p.Err(models.ErrInvalid)
	}
	if err := CheckPassword(next, u.Email); err != nil {
		return err
	}
	h, err := HashPassword(ctx, next, s.Cfg.Params)
	if err != nil {
		return err
	}
	u.PasswordHash, u.UpdatedAt = h, models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return err
	}
	list, err := s.Sessions.ListUser(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, o := range list {
		if keep == nil || o.ID != keep.ID {
			_ = s.Sessions.Delete(ctx, u.ID, o.ID)
		}
	}
	s.changed(ctx, u, models.ActionUpdate, []string{"password"})
	return nil
}

// SweepExpired removes sessions past their timeouts (a loop of App.Run).
func (s *Service) SweepExpired(ctx context.Context) error {
	now := models.Now()
	_, err := s.Sessions.DeleteExpired(ctx, now, now.Add(-s.Cfg.IdleTimeout))
	return err
}
