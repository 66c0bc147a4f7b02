package accounts

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"slices"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// PolicyStore keeps which roles must use a second factor (storage.Settings).
type PolicyStore interface {
	TOTPRequiredRoles(ctx context.Context) ([]models.Role, error)
	SetTOTPRequiredRoles(ctx context.Context, roles []models.Role) error
}

// totpOpts are RFC 6238's defaults, which every authenticator app reads:
// 30 s steps, 6 digits, HMAC-SHA1.
var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// recoveryCodes is how many one-time recovery codes an enrolment makes.
const recoveryCodes = 10

// Enrolment is a second factor being set up: shown once.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
	// QR is a PNG of URL as a data: URL, for the authenticator app.
	QR string `json:"qr_png"`
}

// StartTOTP makes a new secret for u, kept pending until ConfirmTOTP.
func (s *Service) StartTOTP(ctx context.Context, u *models.User) (Enrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.TOTPIssuer, AccountName: u.Email})
	if err != nil {
		return Enrolment{}, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, err
	}
	u.TOTPPending, u.UpdatedAt = key.Secret(), models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: key.Secret(), URL: key.URL(), QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

// ConfirmTOTP turns the pending secret on when code matches it and returns
// the recovery codes (shown once, stored hashed).
func (s *Service) ConfirmTOTP(ctx context.Context, u *models.User, code string) ([]string, error) {
	if u.TOTPPending == "" {
		return nil, fmt.Errorf("%w: start the enrolment first", models.ErrConflict)
	}
	step, ok := matchTOTP(u.TOTPPending, code, models.Now())
	if !ok {
		var p models.Problems
		p.Add("code", "does not match; check the clock of the device and try the next code")
		return nil, p.Err(models.ErrInvalid)
	}
	codes := make([]string, recoveryCodes)
	hashes := make([]string, recoveryCodes)
	for i := range codes {
		c := recoveryCode()
		codes[i] = c[:5] + "-" + c[5:]
		hashes[i] = models.HashToken(normalizeRecovery(codes[i]))
	}
	u.TOTPSecret, u.TOTPPending, u.TOTPEnabled, u.TOTPLastStep = u.TOTPPending, "", true, step
	u.RecoveryHashes, u.UpdatedAt = hashes, models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return nil, err
	}
	s.changed(ctx, u, models.ActionUpdate, []string{"totp"})
	return codes, nil
}

// DisableTOTP removes u's second factor (the person after a code, or an
// admin for someone who lost their device).
func (s *Service) DisableTOTP(ctx context.Context, u *models.User) error {
	u.TOTPSecret, u.TOTPPending, u.TOTPEnabled, u.RecoveryHashes = "", "", false, nil
	u.UpdatedAt = models.Now()
	if err := s.Users.Replace(ctx, u); err != nil {
		return err
	}
	s.changed(ctx, u, models.ActionUpdate, []string{"totp"})
	return nil
}

// recoveryAlphabet has no look-alikes (0/o, 1/l/i).
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// recoveryCode is 10 characters of recoveryAlphabet (about 49 bits).
func recoveryCode() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = recoveryAlphabet[int(b[i])%len(recoveryAlphabet)]
	}
	return string(b[:])
}

func normalizeRecovery(c string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(c), "-", ""))
}

// matchTOTP checks code against secret at now, one step either side
// (clock drift), and returns the step it matched.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	for _, skew := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(skew) * 30 * time.Second)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// checkSecondFactor accepts a TOTP code not used before (each step's code
// works once) or an unused recovery code (then spent). It returns what
// was used ("totp", "recovery code") or "" when nothing matched.
func (s *Service) checkSecondFactor(ctx context.Context, u *models.User, code string) (string, error) {
	if step, ok := matchTOTP(u.TOTPSecret, code, models.Now()); ok {
		if step <= u.TOTPLastStep {
			return "", nil // replayed
		}
		u.TOTPLastStep = step
		return "totp", nil
	}
	h := models.HashToken(normalizeRecovery(code))
	if i := slices.Index(u.RecoveryHashes, h); i >= 0 && len(normalizeRecovery(code)) == 10 {
		u.RecoveryHashes = slices.Delete(slices.Clone(u.RecoveryHashes), i, i+1)
		return "recovery code", nil
	}
	return "", nil
}

// MustEnrol tells whether u's role must use a second factor that u has
// not set up yet: such a session may only enrol (and sign out).
func (s *Service) MustEnrol(ctx context.Context, u *models.User) (bool, error) {
	if u.TOTPEnabled || u.SSO || s.Policy == nil {
		return false, nil
	}
	roles, err := s.Policy.TOTPRequiredRoles(ctx)
	return slices.Contains(roles, u.Role), err
}

// Policy returns the roles that must use a second factor.
func (s *Service) TOTPRequiredRoles(ctx context.Context) ([]models.Role, error) {
	return s.Policy.TOTPRequiredRoles(ctx)
}

// SetTOTPRequiredRoles changes the roles that must use a second factor.
func (s *Service) SetTOTPRequiredRoles(ctx context.Context, roles []models.Role) error {
	var p models.Problems
	for _, r := range roles {
		if !r.Valid() {
			p.Add("totp_required_roles", "must hold only admin, editor, archivist")
		}
	}
	if err := p.Err(models.ErrInvalid); err != nil {
		return err
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	if err := s.Policy.SetTOTPRequiredRoles(ctx, roles); err != nil {
		return err
	}
	if s.Hook != nil {
		s.Hook(ctx, models.Stamped(ctx, models.Change{Resource: models.ResourceUser, ID: "policy", Key: "totp_required_roles", Action: models.ActionUpdate, Changed: []string{"totp_required_roles"}}))
	}
	return nil
}
