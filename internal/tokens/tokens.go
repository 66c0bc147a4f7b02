// Package tokens is the token service: it creates and revokes tokens in
// the token store and tells the change hook (the audit log) of both. The
// secret goes only to the caller, never into a Change.
package tokens

import (
	"context"

	"github.com/jesenice/twincms/models"
)

// Store keeps tokens (storage.Tokens).
type Store interface {
	Authenticate(secret string) (models.Token, bool)
	Create(ctx context.Context, in models.TokenInput, by string) (models.Token, string, error)
	List(ctx context.Context) ([]models.Token, error)
	Delete(ctx context.Context, id string) error
}

// Service wraps the store; it is what the HTTP layer is given.
type Service struct {
	Store
	Hook models.ChangeHook
}

// Create stores a token and tells the hook.
func (s Service) Create(ctx context.Context, in models.TokenInput, by string) (models.Token, string, error) {
	tok, secret, err := s.Store.Create(ctx, in, by)
	if err != nil {
		return tok, secret, err
	}
	s.changed(ctx, tok, models.ActionCreate, []string{"name", "role"})
	return tok, secret, nil
}

// Delete revokes a token and tells the hook.
func (s Service) Delete(ctx context.Context, id string) error {
	if err := s.Store.Delete(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, models.Token{ID: id}, models.ActionDelete, nil)
	return nil
}

func (s Service) changed(ctx context.Context, tok models.Token, a models.Action, fields []string) {
	if s.Hook != nil {
		s.Hook(ctx, models.Stamped(ctx, models.Change{Resource: models.ResourceToken, ID: tok.ID, Key: tok.Name, Action: a, Changed: fields}))
	}
}
