package accounts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// Users keeps accounts (storage.Users).
type Users interface {
	Insert(ctx context.Context, u *models.User) error
	Get(ctx context.Context, id string) (*models.User, error)
	ByEmail(ctx context.Context, email string) (*models.User, error)
	ByInvitation(ctx context.Context, hash string) (*models.User, error)
	BySubject(ctx context.Context, subject string) (*models.User, error)
	Replace(ctx context.Context, u *models.User) error
	Delete(ctx context.Context, id string) error
	List(ctx context.Context) ([]models.User, error)
	CountActiveAdmins(ctx context.Context) (int64, error)
}

// Sessions keeps signed-in browsers (storage.Sessions).
type Sessions interface {
	Insert(ctx context.Context, s *models.Session) error
	ByHash(ctx context.Context, hash string) (*models.Session, error)
	Touch(ctx context.Context, id string, at time.Time) error
	Delete(ctx context.Context, userID, id string) error
	DeleteUser(ctx context.Context, userID string) (int64, error)
	ListUser(ctx context.Context, userID string) ([]models.Session, error)
	DeleteExpired(ctx context.Context, now, idleSince time.Time) (int64, error)
}

// Mailer sends an invitation link (nil: links are only handed to the
// admin who made them).
type Mailer interface {
	SendInvitation(ctx context.Context, to, name, link string) error
}

// Config are the account rules the configuration sets.
type Config struct {
	// PublicURL is where people reach twincms (links in invitations; a
	// https URL makes the session cookie Secure). Empty: the request's.
	PublicURL string
	// IdleTimeout ends a session unused this long; MaxAge any session.
	IdleTimeout, MaxAge time.Duration
	// InvitationTTL is how long an invitation link works.
	InvitationTTL time.Duration
	Params        Params
}

// Service is the account service the HTTP layer is given.
type Service struct {
	Users    Users
	Sessions Sessions
	Mailer   Mailer
	Hook     models.ChangeHook
	NewID    func() string
	Limiter  *Limiter
	Cfg      Config
	Logger   *slog.Logger
	// TOTPIssuer names twincms in authenticator apps.
	TOTPIssuer string
	// Policy says which roles must use a second factor.
	Policy PolicyStore
}

// Invitation is a new invitation: the link (shown once) and whether it
// was mailed.
type Invitation struct {
	Link    string    `json:"invitation_link"`
	Expires time.Time `json:"invitation_expires"`
	Mailed  bool      `json:"mailed"`
}

func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// adminURL is where the admin UI is: the configured public URL, else the
// one the request came to (base, with a mount prefix).
func (s *Service) adminURL(base string) string {
	if s.Cfg.PublicURL != "" {
		base = s.Cfg.PublicURL
	}
	return strings.TrimSuffix(base, "/") + "/admin/"
}

func (s *Service) changed(ctx context.Context, u *models.User, a models.Action, fields []string) {
	if s.Hook != nil {
		s.Hook(ctx, models.Stamped(ctx, models.Change{Resource: models.ResourceUser, ID: u.ID, Key: u.Email, Action: a, Changed: fields}))
	}
}

// Create makes an invited user and its invitation. base is the URL the
// request came to (see adminURL).
func (s *Service) Create(ctx context.Context, in models.UserInput, base string) (*models.User, Invitation, error) {
	if err := in.Validate(); err != nil {
		return nil, Invitation{}, err
	}
	now := models.Now()
	u := &models.User{ID: s.NewID(), Email: in.Email, Name: in.Name, Role: in.Role, Status: models.UserInvited,
		CreatedAt: now, UpdatedAt: now, CreatedBy: models.ActorFrom(ctx).Ref()}
	secret := s.openInvitation(u, now)
	if err := s.Users.Insert(ctx, u); err != nil {
		return nil, Invitation{}, err
	}
	s.changed(ctx, u, models.ActionCreate, []string{"email", "name", "role"})
	return u, s.sendInvitation(ctx, u, secret, base), nil
}

func (s *Service) openInvitation(u *models.User, now time.Time) string {
	secret := newSecret()
	exp := now.Add(s.Cfg.InvitationTTL)
	u.InvitationHash, u.InvitationExpires = models.HashToken(secret), &exp
	return secret
}

// sendInvitation makes the link and mails it when a mailer is set; a
// mail that fails is logged, and the admin still has the link.
func (s *Service) sendInvitation(ctx context.Context, u *models.User, secret, base string) Invitation {
	inv := Invitation{Link: s.adminURL(base) + "#invitation=" + secret, Expires: *u.InvitationExpires}
	if s.Mailer != nil {
		if err := s.Mailer.SendInvitation(ctx, u.Email, u.Name, inv.Link); err != nil {
			s.Logger.WarnContext(ctx, "invitation mail not sent", "user", u.ID, "err", err)
		} else {
			inv.Mailed = true
		}
	}
	return inv
}

// Reinvite opens a new invitation (a password reset): the earlier link
// stops working; the password keeps working until the new one is set.
func (s *Service) Reinvite(ctx context.Context, id, base string) (*models.User, Invitation, error) {
	u, err := s.Users.Get(ctx, id)
	if err != nil {
		return nil, Invitation{}, err
	}
	if u.Status == models.UserDisabled {
		return nil, Invitation{}, fmt.Errorf("%w: the user is disabled; enable it first", models.ErrConflict)
	}
	now := models.Now()
	secret := s.openInvitation(u, now)
	u.UpdatedAt = now
	if err := s.Users.Replace(ctx, u); err != nil {
		return nil, Invitation{}, err
	}
	s.changed(ctx, u, models.ActionUpdate, []string{"invitation"})
	return u, s.sendInvitation(ctx, u, secret, base), nil
}

// List returns every user.
func (s *Service) List(ctx context.Context) ([]models.User, error) { return s.Users.List(ctx) }

// Get returns one user.
func (s *Service) Get(ctx context.Context, id string) (*models.User, error) {
	return s.Users.Get(ctx, id)
}

// Update changes a user. Disabling ends every session of theirs at once,
// and so does a role change (their screens change). The last active
// admin can be neither disabled nor made something else.
func (s *Service) Update(ctx context.Context, id string, p models.UserPatch) (*models.User, error) {
	u, err := s.Users.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var fields []string
	endSessions := false
	if p.Email != nil && *p.Email != u.Email {
		u.Email, fields = *p.Email, append(fields, "email")
	}
	if p.Name != nil && *p.Name != u.Name {
		u.Name, fields = *p.Name, append(fields, "name")
	}
	if p.Role != nil && *p.Role != u.Role {
		if err := s.keepAnAdmin(ctx, u); err != nil {
			return nil, err
		}
		u.Role, fields, endSessions = *p.Role, append(fields, "role"), true
	}
	if p.Status != nil {
		switch {
		case *p.Status == models.UserDisabled && u.Status != models.UserDisabled:
			if err := s.keepAnAdmin(ctx, u); err != nil {
				return nil, err
			}
			u.Status, fields, endSessions = models.UserDisabled, append(fields, "status"), true
			u.InvitationHash, u.InvitationExpires = "", nil
		case *p.Status == models.UserActive && u.Status == models.UserDisabled:
			u.Status, fields = models.UserInvited, append(fields, "status")
			if u.PasswordHash != "" || u.SSO {
				u.Status = models.UserActive
			}
		}
	}
	if len(fields) == 0 {
		return u, nil
	}
	u.UpdatedAt = models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return nil, err
	}
	if endSessions {
		if _, err := s.Sessions.DeleteUser(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	s.changed(ctx, u, models.ActionUpdate, fields)
	return u, nil
}

// keepAnAdmin refuses to take away the last active admin account (tokens
// aside: an admin token may be lost, people sign in).
func (s *Service) keepAnAdmin(ctx context.Context, u *models.User) error {
	if u.Role != models.RoleAdmin || u.Status != models.UserActive {
		return nil
	}
	n, err := s.Users.CountActiveAdmins(ctx)
	if err != nil {
		return err
	}
	if n <= 1 {
		return fmt.Errorf("%w: this is the last active admin", models.ErrConflict)
	}
	return nil
}

// Delete removes a user and ends their sessions. Their name stays in the
// records they made (the audit log keeps it).
func (s *Service) Delete(ctx context.Context, id string) error {
	u, err := s.Users.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := s.keepAnAdmin(ctx, u); err != nil {
		return err
	}
	if err := s.Users.Delete(ctx, id); err != nil {
		return err
	}
	if _, err := s.Sessions.DeleteUser(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, u, models.ActionDelete, nil)
	return nil
}

// AcceptInvitation sets the password of the invitation's user, who
// becomes active; the invitation is used up and earlier sessions end.
func (s *Service) AcceptInvitation(ctx context.Context, secret, password string) (*models.User, error) {
	u, err := s.Users.ByInvitation(ctx, models.HashToken(secret))
	if err != nil || secret == "" || u.InvitationExpires == nil || models.Now().After(*u.InvitationExpires) || u.Status == models.UserDisabled {
		if err != nil && !isNotFound(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: the invitation is not valid or has expired; ask an admin for a new one", models.ErrLinkInvalid)
	}
	if err := CheckPassword(password, u.Email); err != nil {
		return nil, err
	}
	hash, err := HashPassword(ctx, password, s.Cfg.Params)
	if err != nil {
		return nil, err
	}
	u.PasswordHash, u.InvitationHash, u.InvitationExpires = hash, "", nil
	u.Status, u.UpdatedAt = models.UserActive, models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return nil, err
	}
	if _, err := s.Sessions.DeleteUser(ctx, u.ID); err != nil {
		return nil, err
	}
	s.changed(models.WithActor(ctx, UserActor(u)), u, models.ActionUpdate, []string{"password"})
	return u, nil
}

// UserActor names a person in records: their id and display name.
func UserActor(u *models.User) models.Actor { return models.Actor{UserID: u.ID, Name: u.Name} }
