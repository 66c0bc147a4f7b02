package models

import (
	"net/mail"
	"strings"
	"time"
)

// UserStatus is where a person's account stands.
type UserStatus string

// User statuses: invited (no password yet), active, disabled (cannot sign
// in; every session ended).
const (
	UserInvited  UserStatus = "invited"
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// User is a person who signs in to /admin (machines use tokens). Secrets
// (the password hash, the TOTP secret, recovery codes, the invitation) are
// stored but never encoded to JSON.
type User struct {
	ID     string     `json:"id" bson:"_id"`
	Email  string     `json:"email" bson:"email"`
	Name   string     `json:"name" bson:"name"`
	Role   Role       `json:"role" bson:"role"`
	Status UserStatus `json:"status" bson:"status"`
	// TOTPEnabled: the person enrolled a second factor.
	TOTPEnabled bool `json:"totp_enabled" bson:"totp_enabled"`
	// SSO: the account was made or last signed in through single sign-on.
	SSO bool `json:"sso" bson:"sso"`
	// InvitationExpires is when the open invitation ends (null: none).
	InvitationExpires *time.Time `json:"invitation_expires" bson:"invitation_expires,omitempty"`
	LastSignIn        *time.Time `json:"last_sign_in" bson:"last_sign_in,omitempty"`
	CreatedAt         time.Time  `json:"created_at" bson:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at" bson:"updated_at"`
	CreatedBy         string     `json:"created_by" bson:"created_by"`

	// PasswordHash is the PHC string of the argon2id hash ("" before the
	// invitation is accepted).
	PasswordHash string `json:"-" bson:"password_hash,omitempty"`
	// InvitationHash is the SHA-256 of the open invitation's secret.
	InvitationHash string `json:"-" bson:"invitation_hash,omitempty"`
	// TOTPSecret is the base32 secret of the enrolled second factor;
	// TOTPPending is one being enrolled (not yet confirmed by a code).
	TOTPSecret  string `json:"-" bson:"totp_secret,omitempty"`
	TOTPPending string `json:"-" bson:"totp_pending,omitempty"`
	// RecoveryHashes are the SHA-256 of the unused recovery codes.
	RecoveryHashes []string `json:"-" bson:"recovery_hashes,omitempty"`
	// TOTPLastStep is the last accepted TOTP time step: a code is good once.
	TOTPLastStep int64 `json:"-" bson:"totp_last_step,omitempty"`
	// Subject is the OpenID provider's "iss|sub" of an SSO account.
	Subject string `json:"-" bson:"subject,omitempty"`
}

// UserInput is what an admin sends to create a user.
type UserInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
}

// UserPatch is what an admin may change (merge patch: absent fields stay).
type UserPatch struct {
	Email  *string     `json:"email"`
	Name   *string     `json:"name"`
	Role   *Role       `json:"role"`
	Status *UserStatus `json:"status"`
}

// NormalizeEmail is the form an address is stored and looked up in.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".")
}

func validName(s string) bool {
	n := len([]rune(strings.TrimSpace(s)))
	return n > 0 && n <= 100 && !strings.ContainsAny(s, "\r\n\x00")
}

// Validate checks the fields (the email is normalized first).
func (in *UserInput) Validate() error {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	var p Problems
	if !validEmail(in.Email) {
		p.Add("email", "must be an email address")
	}
	if !validName(in.Name) {
		p.Add("name", "must be 1 to 100 characters")
	}
	if !in.Role.Valid() {
		p.Add("role", "must be one of admin, editor, archivist")
	}
	return p.Err(ErrInvalid)
}

// Validate checks the fields present.
func (in *UserPatch) Validate() error {
	var p Problems
	if in.Email != nil {
		*in.Email = NormalizeEmail(*in.Email)
		if !validEmail(*in.Email) {
			p.Add("email", "must be an email address")
		}
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		if !validName(*in.Name) {
			p.Add("name", "must be 1 to 100 characters")
		}
	}
	if in.Role != nil && !in.Role.Valid() {
		p.Add("role", "must be one of admin, editor, archivist")
	}
	if in.Status != nil && *in.Status != UserActive && *in.Status != UserDisabled {
		p.Add("status", "must be active or disabled")
	}
	if in.Email == nil && in.Name == nil && in.Role == nil && in.Status == nil {
		p.Add("", "nothing to change")
	}
	return p.Err(ErrInvalid)
}

// Session is one signed-in browser. The cookie holds a secret whose
// SHA-256 is Hash; ID names the session in lists (sign out one device).
type Session struct {
	ID        string    `json:"id" bson:"_id"`
	Hash      string    `json:"-" bson:"hash"`
	UserID    string    `json:"-" bson:"user_id"`
	CSRF      string    `json:"-" bson:"csrf"`
	Client    string    `json:"client" bson:"client"`
	UserAgent string    `json:"user_agent" bson:"user_agent"`
	Method    string    `json:"method" bson:"method"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	LastSeen  time.Time `json:"last_seen" bson:"last_seen"`
	// ExpiresAt is the absolute end, whatever the activity.
	ExpiresAt time.Time `json:"expires_at" bson:"expires_at"`
	// Current marks the session of the request (lists only).
	Current bool `json:"current" bson:"-"`
}
