// Package preview makes and checks draft preview links: a URL with an
// expiring, revocable token that shows one draft page or partnership on
// the demo site to someone without an account (a mayor approving a text).
//
// A token is "<link id>.<secret>": the id finds the link with one lookup,
// the secret (32 random bytes) is compared with the stored SHA-256 in
// constant time. Nothing that could rebuild a token is stored.
package preview

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// Store keeps links (storage.PreviewLinks).
type Store interface {
	Insert(ctx context.Context, l models.PreviewLink) error
	// Get returns the link; ErrNotFound.
	Get(ctx context.Context, id string) (models.PreviewLink, error)
	// Delete removes the link of resourceID; ErrNotFound.
	Delete(ctx context.Context, resourceID, id string) error
}

// Service makes, revokes and resolves preview links.
type Service struct {
	Store Store
	NewID func() string
	Now   func() time.Time
	// Hook is told of every link made or revoked (the audit log); nil
	// tells no one.
	Hook models.ChangeHook
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return models.Now()
}

// Create makes a link to record id of r for in's lifetime and returns it
// with its token (shown once). ErrInvalid for a bad lifetime. The caller
// checks that the record exists.
func (s *Service) Create(ctx context.Context, r models.Resource, id string, in models.PreviewLinkInput) (models.PreviewLink, string, error) {
	ttl, err := in.TTL()
	if err != nil {
		return models.PreviewLink{}, "", err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return models.PreviewLink{}, "", err
	}
	now := s.now().Truncate(time.Millisecond)
	l := models.PreviewLink{ID: s.NewID(), Resource: r, ResourceID: id, SecretHash: hash(secret),
		ExpiresAt: now.Add(ttl), CreatedAt: now, CreatedBy: models.ActorFrom(ctx)}
	if err := s.Store.Insert(ctx, l); err != nil {
		return models.PreviewLink{}, "", err
	}
	s.tell(ctx, l.ID, id, models.ActionCreate)
	return l, l.ID + "." + base64.RawURLEncoding.EncodeToString(secret), nil
}

// Revoke removes link linkID of record id; ErrNotFound.
func (s *Service) Revoke(ctx context.Context, id, linkID string) error {
	if err := s.Store.Delete(ctx, id, linkID); err != nil {
		return err
	}
	s.tell(ctx, linkID, id, models.ActionDelete)
	return nil
}

// tell passes a link's creation or revocation to the hook; key is the id
// of the record the link shows.
func (s *Service) tell(ctx context.Context, linkID, key string, act models.Action) {
	if s.Hook == nil {
		return
	}
	s.Hook(ctx, models.Change{Resource: models.ResourcePreviewLink, ID: linkID, Key: key, Action: act,
		Actor: models.ActorFrom(ctx), RequestID: models.RequestID(ctx), Client: models.Client(ctx), At: s.now().Truncate(time.Millisecond)})
}

// Resolve returns the link a token grants. Every failure (malformed,
// unknown, revoked, wrong secret, expired) is ErrLinkInvalid, so a token's
// fate is not told to whoever holds a guessed one; ErrUnavailable passes.
func (s *Service) Resolve(ctx context.Context, token string) (models.PreviewLink, error) {
	invalid := fmt.Errorf("%w: the preview link is not valid or has expired; ask the editor for a new one", models.ErrLinkInvalid)
	id, enc, ok := strings.Cut(token, ".")
	secret, err := base64.RawURLEncoding.DecodeString(enc)
	if !ok || !models.ValidID(id) || err != nil || len(secret) != 32 {
		return models.PreviewLink{}, invalid
	}
	l, err := s.Store.Get(ctx, id)
	if errors.Is(err, models.ErrNotFound) {
		return models.PreviewLink{}, invalid
	}
	if err != nil {
		return models.PreviewLink{}, err
	}
	if subtle.ConstantTimeCompare([]byte(hash(secret)), []byte(l.SecretHash)) != 1 || !s.now().Before(l.ExpiresAt) {
		return models.PreviewLink{}, invalid
	}
	return l, nil
}

func hash(secret []byte) string {
	sum := sha256.Sum256(secret)
	return hex.EncodeToString(sum[:])
}
