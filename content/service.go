// Package content owns every write of the versioned content types
// (partnerships, blocks, pages): validation, reference checks, changed
// fields, optimistic versions, and the one change hook that every
// successful write ends in. HTTP handlers, demo loading and import all
// write through it; nothing else writes content.
//
// It is public (not under internal/) because the plugin facade hands it to
// a host: CMS.Content returns its Services, the one way a host's own Go
// code (forms, imports) writes content with the same rules and hooks as
// the API. It imports only models; its stores are interfaces it declares.
package content

import (
	"context"
	"fmt"

	"github.com/jesenice/twincms/models"
)

// Item is a pointer to a content type (partnership, block, page).
type Item[T any] interface {
	*T
	models.Content
}

// Store keeps one versioned content type (storage.Content is the real
// one). Errors: models.ErrNotFound, ErrConflict (key taken), ErrStale
// (version moved on), ErrUnavailable.
type Store[T any, P Item[T]] interface {
	Create(ctx context.Context, it P, by string) (P, error)
	Get(ctx context.Context, id string) (P, error)
	GetByKey(ctx context.Context, key string) (P, error)
	List(ctx context.Context, q models.ListQuery) (models.List[P], error)
	All(ctx context.Context, status models.Status) ([]P, error)
	// Replace stores it as version expected+1, setting the status an
	// action leads to.
	Replace(ctx context.Context, it P, expected int64, action models.Action, by string, changed []string) (P, error)
	Delete(ctx context.Context, id string, expected int64) error
	Versions(ctx context.Context, id string) ([]models.Version[T], error)
	Version(ctx context.Context, id string, n int64) (models.Version[T], error)
}

// Service carries the rules of one content type. Its writes take the
// actor from the context (models.WithActor): handlers put the token
// there, demo loading and import a named system actor.
type Service[T any, P Item[T]] struct {
	resource models.Resource
	store    Store[T, P]
	rules    models.Rules
	hooks    models.Hooks
	// check, when set, validates references to other resources.
	check func(ctx context.Context, it P) error
	// publishable, when set, checks what only published content must
	// meet (images with text alternatives); it runs on every write that
	// leaves the record published.
	publishable func(ctx context.Context, it P) error
}

// Get returns the current version by id.
func (s *Service[T, P]) Get(ctx context.Context, id string) (P, error) { return s.store.Get(ctx, id) }

// GetByKey returns the current version by slug or key.
func (s *Service[T, P]) GetByKey(ctx context.Context, key string) (P, error) {
	return s.store.GetByKey(ctx, key)
}

// List filters, sorts and pages.
func (s *Service[T, P]) List(ctx context.Context, q models.ListQuery) (models.List[P], error) {
	return s.store.List(ctx, q)
}

// All returns every item with the given status (empty: all).
func (s *Service[T, P]) All(ctx context.Context, status models.Status) ([]P, error) {
	return s.store.All(ctx, status)
}

// Versions lists the history, newest first.
func (s *Service[T, P]) Versions(ctx context.Context, id string) ([]models.Version[T], error) {
	return s.store.Versions(ctx, id)
}

// Version returns one snapshot of the history.
func (s *Service[T, P]) Version(ctx context.Context, id string, n int64) (models.Version[T], error) {
	return s.store.Version(ctx, id, n)
}

// Check says what the rules find wrong with it, storing nothing: a body
// refused for values of the wrong type is checked for the rest too, so
// the editor hears every problem at once.
func (s *Service[T, P]) Check(ctx context.Context, it P) error { return s.prepare(ctx, it) }

// prepare is models.Prepare plus the reference check: the one path every
// stored content takes.
func (s *Service[T, P]) prepare(ctx context.Context, it P) error {
	if err := s.rules.Prepare(it); err != nil {
		return err
	}
	if s.check != nil {
		return s.check(ctx, it)
	}
	return nil
}

// editable returns the current version of id, or ErrStale when the caller
// based its change on another one.
func (s *Service[T, P]) editable(ctx context.Context, id string, expected int64) (P, error) {
	cur, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if v := cur.GetMeta().Version; v != expected {
		return nil, fmt.Errorf("%w: you edited version %d, the current one is %d", models.ErrStale, expected, v)
	}
	return cur, nil
}
