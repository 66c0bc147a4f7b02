package accounts

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/jesenice/twincms/models"
	"golang.org/x/oauth2"
)

// ssoClaims is what twincms reads of a person from the provider: the ID
// token's claims, completed by the userinfo endpoint's (many providers
// put profile and email there only).
type ssoClaims struct {
	Issuer, Subject   string
	Email             string
	EmailVerified     *bool
	Name              string
	GivenName         string
	FamilyName        string
	PreferredUsername string
	// Roles are the values of the configured role claim.
	Roles []string
}

func (c ssoClaims) displayName() string {
	n := c.Name
	if strings.TrimSpace(n) == "" {
		n = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	if n == "" {
		n = c.PreferredUsername
	}
	if n == "" {
		n = c.Email
	}
	n = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(n))
	if r := []rune(n); len(r) > 100 {
		n = string(r[:100])
	}
	if n == "" {
		n = "SSO " + trim(c.Subject, 40)
	}
	return n
}

func (s *SSO) claims(ctx context.Context, p *oidc.Provider, tok *oauth2.Token, id *oidc.IDToken) (ssoClaims, error) {
	all := map[string]any{}
	if err := id.Claims(&all); err != nil {
		return ssoClaims{}, err
	}
	if p.UserInfoEndpoint() != "" {
		info, err := p.UserInfo(s.clientContext(ctx), oauth2.StaticTokenSource(tok))
		if err != nil {
			return ssoClaims{}, fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != id.Subject {
			return ssoClaims{}, fmt.Errorf("userinfo names another subject")
		}
		more := map[string]any{}
		if err := info.Claims(&more); err != nil {
			return ssoClaims{}, err
		}
		for k, v := range more {
			if _, ok := all[k]; !ok {
				all[k] = v
			}
		}
	}
	str := func(k string) string { v, _ := all[k].(string); return v }
	c := ssoClaims{Issuer: id.Issuer, Subject: id.Subject, Email: models.NormalizeEmail(str("email")), Name: str("name"),
		GivenName: str("given_name"), FamilyName: str("family_name"), PreferredUsername: str("preferred_username"),
		Roles: claimValues(all, s.Cfg.RoleClaim)}
	switch v := all["email_verified"].(type) {
	case bool:
		c.EmailVerified = &v
	case string: // some providers send "true"
		b := v == "true"
		c.EmailVerified = &b
	}
	return c, nil
}

// claimValues reads a claim by a dotted path (realm_access.roles): a
// string, or a list of strings.
func claimValues(all map[string]any, path string) []string {
	if path == "" {
		return nil
	}
	var cur any = all
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	switch v := cur.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// role is the role RoleMap gives for the claim's values: the first
// mapping the person has.
func (s *SSO) role(values []string) (models.Role, bool) {
	for _, m := range s.Cfg.RoleMap {
		for _, v := range values {
			if v == m.Value {
				return m.Role, true
			}
		}
	}
	return "", false
}

// person finds the account of the signed-in person: by the provider's
// subject, else (first sign-in) by a verified email an admin created the
// account with, else a new account when AutoCreate allows it. A role
// mapping, when configured, decides the role at every sign-in.
func (s *SSO) person(ctx context.Context, c ssoClaims) (*models.User, error) {
	key := c.Issuer + "|" + c.Subject
	users := s.Accounts.Users
	u, err := users.BySubject(ctx, key)
	if err != nil && !isNotFound(err) {
		return nil, err
	}
	if u == nil && c.Email != "" && (c.EmailVerified == nil || *c.EmailVerified) {
		if u, err = users.ByEmail(ctx, c.Email); err != nil && !isNotFound(err) {
			return nil, err
		}
		if u != nil && u.Subject != "" && u.Subject != key {
			return u, ssoError("no-account", models.ErrForbidden, "this email belongs to another single sign-on account")
		}
	}
	role, mapped := s.role(c.Roles)
	if len(s.Cfg.RoleMap) > 0 && !mapped {
		return u, ssoError("no-role", models.ErrForbidden, "your account at the provider has no twincms role; ask an admin")
	}
	name := c.displayName()
	if u == nil {
		if !s.Cfg.AutoCreate {
			return nil, ssoError("no-account", models.ErrForbidden, "there is no twincms account for you; ask an admin to create one with your email")
		}
		return s.create(ctx, c, key, name, role)
	}
	if u.Status == models.UserDisabled {
		return u, ssoError("disabled", models.ErrForbidden, "this account is disabled")
	}
	var fields []string
	if u.Subject != key {
		u.Subject, u.SSO, fields = key, true, append(fields, "sso")
	}
	if u.Status == models.UserInvited {
		u.Status, u.InvitationHash, u.InvitationExpires, fields = models.UserActive, "", nil, append(fields, "status")
	}
	if name != u.Name {
		u.Name, fields = name, append(fields, "name")
	}
	roleChanged := mapped && role != u.Role
	if roleChanged {
		u.Role, fields = role, append(fields, "role")
	}
	if len(fields) == 0 {
		return u, nil
	}
	u.UpdatedAt = models.Now()
	if err := users.Replace(ctx, u); err != nil {
		return nil, err
	}
	if roleChanged { // sessions opened with the old role end
		if _, err := s.Accounts.Sessions.DeleteUser(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	s.Accounts.changed(models.WithActor(ctx, UserActor(u)), u, models.ActionUpdate, fields)
	return u, nil
}

// create makes the account of a first sign-in (AutoCreate).
func (s *SSO) create(ctx context.Context, c ssoClaims, key, name string, role models.Role) (*models.User, error) {
	in := models.UserInput{Email: c.Email, Name: name, Role: role}
	if c.EmailVerified != nil && !*c.EmailVerified || in.Validate() != nil {
		return nil, ssoError("no-account", models.ErrForbidden, "the provider sent no verified email address for you")
	}
	now := models.Now()
	u := &models.User{ID: s.Accounts.NewID(), Email: in.Email, Name: in.Name, Role: role, Status: models.UserActive,
		SSO: true, Subject: key, CreatedAt: now, UpdatedAt: now, CreatedBy: "sso"}
	if err := s.Accounts.Users.Insert(ctx, u); err != nil {
		return nil, err
	}
	s.Accounts.changed(models.WithActor(ctx, UserActor(u)), u, models.ActionCreate, []string{"email", "name", "role", "sso"})
	return u, nil
}
