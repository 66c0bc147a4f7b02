package models

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// Role is what a token may do.
type Role string

// The roles of the design: admin may do everything, editors keep content,
// archivists read and audit the archive.
const (
	RoleAdmin     Role = "admin"
	RoleEditor    Role = "editor"
	RoleArchivist Role = "archivist"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleArchivist }

// Token is an API credential. Only the SHA-256 of the secret is kept: the
// secret itself is shown once, when the token is created.
type Token struct {
	ID        string    `json:"id" bson:"_id"`
	Name      string    `json:"name" bson:"name"`
	Role      Role      `json:"role" bson:"role"`
	Hash      string    `json:"-" bson:"hash"`
	Prefix    string    `json:"prefix" bson:"prefix"`
	CreatedAt time.Time `json:"created_at" bson:"created_at"`
	CreatedBy string    `json:"created_by" bson:"created_by"`
}

// TokenInput is what an admin sends to create a token.
type TokenInput struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// Validate checks name and role.
func (in TokenInput) Validate() error {
	var p Problems
	if n := len([]rune(strings.TrimSpace(in.Name))); n == 0 || n > 100 {
		p.Add("name", "must be 1 to 100 characters")
	}
	if !in.Role.Valid() {
		p.Add("role", "must be one of admin, editor, archivist")
	}
	return p.Err(ErrInvalid)
}

// tokenPrefix marks twincms secrets so leaked ones are recognisable.
const tokenPrefix = "tcms_"

// NewTokenSecret returns a fresh random secret (256 bits).
func NewTokenSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// HashToken is the stored form of a secret. A fast hash is right here: the
// secrets are long random strings, not passwords, so there is nothing to
// brute-force, and every request must check one.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// SecretPrefix is the displayable beginning of a secret.
func SecretPrefix(secret string) string {
	if len(secret) > 9 {
		return secret[:9]
	}
	return ""
}
