package accounts

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/jesenice/twincms/models"
	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are written into every hash
// (PHC string format), so raising them later leaves old hashes verifiable;
// a password is rehashed with the current ones at its next sign-in.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultParams follow OWASP's password storage advice for argon2id
// (46 MiB, one pass, one lane): about 45 ms a hash on this project's
// 2-core test machine (BenchmarkHashPassword). Memory is the cost an
// attacker's GPU pays too; hashes at once are bounded (hashSlots), so
// sign-ins cannot exhaust the server's memory.
var DefaultParams = Params{MemoryKiB: 46 * 1024, Time: 1, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
	// MinPasswordLen is the shortest password accepted (in characters).
	MinPasswordLen = 12
	// MaxPasswordLen bounds the work a password makes (in bytes).
	MaxPasswordLen = 256
)

// hashSlots bounds the argon2 hashes computed at once (each takes
// MemoryKiB); a sign-in waits for a slot or gives up with its request.
var hashSlots = make(chan struct{}, 2)

func acquire(ctx context.Context) error {
	select {
	case hashSlots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: too many sign-ins at once; try again", models.ErrUnavailable)
	}
}

func release() { <-hashSlots }

// HashPassword returns the PHC string of password's argon2id hash:
// $argon2id$v=19$m=47104,t=1,p=1$<salt>$<hash>.
func HashPassword(ctx context.Context, password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt)
	if err := acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, keyLen)
	release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("accounts: not an argon2id hash")

// parseHash reads a PHC string made by HashPassword.
func parseHash(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	var p Params
	var v int
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.MemoryKiB == 0 || p.MemoryKiB > 1<<20 || p.Time == 0 || p.Time > 10 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// VerifyPassword tells whether password matches encoded, and whether the
// hash was made with other parameters than want (rehash it then).
func VerifyPassword(ctx context.Context, password, encoded string, want Params) (ok, stale bool, err error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, false, err
	}
	if err := acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key)))
	release()
	return subtle.ConstantTimeCompare(got, key) == 1, p != want, nil
}

//go:embed passwords/common.txt
var commonList []byte

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// isCommon tells whether password (lower-cased) is on the shipped list of
// common passwords (SecLists, see passwords/LICENSE-SecLists.txt).
func isCommon(password string) bool {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, 45000)
		sc := bufio.NewScanner(bytes.NewReader(commonList))
		for sc.Scan() {
			common[sc.Text()] = struct{}{}
		}
	})
	_, ok := common[strings.ToLower(password)]
	return ok
}

// CheckPassword applies the password rules: at least MinPasswordLen
// characters, at most MaxPasswordLen bytes, valid UTF-8, not on the list of
// common passwords and not the person's email address.
func CheckPassword(password, email string) error {
	var p models.Problems
	switch {
	case !utf8.ValidString(password) || strings.ContainsRune(password, 0):
		p.Add("password", "must be text")
	case utf8.RuneCountInString(password) < MinPasswordLen:
		p.Add("password", "must be at least %d characters", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		p.Add("password", "must be at most %d bytes", MaxPasswordLen)
	case isCommon(password):
		p.Add("password", "is on the list of common passwords; choose another")
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		p.Add("password", "must not be the email address")
	}
	return p.Err(models.ErrInvalid)
}
