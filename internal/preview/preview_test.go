package preview

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

type memStore map[string]models.PreviewLink

func (m memStore) Insert(_ context.Context, l models.PreviewLink) error { m[l.ID] = l; return nil }
func (m memStore) Get(_ context.Context, id string) (models.PreviewLink, error) {
	l, ok := m[id]
	if !ok {
		return l, models.ErrNotFound
	}
	return l, nil
}
func (m memStore) Delete(_ context.Context, rid, id string) error {
	if l, ok := m[id]; !ok || l.ResourceID != rid {
		return models.ErrNotFound
	}
	delete(m, id)
	return nil
}

func TestTokens(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	store := memStore{}
	n := 0
	s := &Service{Store: store, Now: func() time.Time { return now }, NewID: func() string {
		n++
		return strings.Repeat("a", 23) + string(rune('0'+n))
	}}
	ctx := context.Background()
	l, token, err := s.Create(ctx, models.ResourcePage, "p1", models.PreviewLinkInput{ExpiresIn: 60})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(store[l.ID].SecretHash, token[len(l.ID)+1:]) || store[l.ID].SecretHash == "" {
		t.Fatal("the secret is stored as it is")
	}
	if got, err := s.Resolve(ctx, token); err != nil || got.ResourceID != "p1" {
		t.Fatalf("resolve: %v %v", got, err)
	}
	for name, bad := range map[string]string{
		"empty": "", "no secret": l.ID, "wrong secret": l.ID + "." + strings.Repeat("A", 43),
		"unknown id": strings.Repeat("b", 24) + token[24:], "not base64": l.ID + ".!!!",
	} {
		if _, err := s.Resolve(ctx, bad); !errors.Is(err, models.ErrLinkInvalid) {
			t.Errorf("%s: %v, want ErrLinkInvalid", name, err)
		}
	}
	now = now.Add(61 * time.Second)
	if _, err := s.Resolve(ctx, token); !errors.Is(err, models.ErrLinkInvalid) {
		t.Fatalf("expired: %v", err)
	}
	_, token2, _ := s.Create(ctx, models.ResourcePage, "p1", models.PreviewLinkInput{})
	l2, err := s.Resolve(ctx, token2)
	if err != nil || l2.ExpiresAt.Sub(now) != models.DefaultPreviewTTL {
		t.Fatalf("default lifetime: %v %v", l2, err)
	}
	if err := s.Revoke(ctx, "p2", l2.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("revoke through another record: %v", err)
	}
	if err := s.Revoke(ctx, "p1", l2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Resolve(ctx, token2); !errors.Is(err, models.ErrLinkInvalid) {
		t.Fatalf("revoked: %v", err)
	}
	for _, bad := range []int64{-1, 31 * 24 * 3600} {
		if _, _, err := s.Create(ctx, models.ResourcePage, "p1", models.PreviewLinkInput{ExpiresIn: bad}); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("expires_in %d: %v", bad, err)
		}
	}
}
