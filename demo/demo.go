// Package demo loads the Jesenice twin-towns page (its title, intro block
// and five partnerships, as the municipality's page states them) into an
// empty store, so a new user sees real content at first start.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jesenice/twincms/models"
)

//go:embed pobratene-obcine.json
var siteJSON []byte

// Site is the exportable content of a site: what demo data, export and
// import share.
type Site struct {
	Page         models.ContentPage   `json:"page"`
	Blocks       []models.Block       `json:"blocks"`
	Partnerships []models.Partnership `json:"partnerships"`
}

// Jesenice returns the demo site, parsed strictly.
func Jesenice() (Site, error) {
	var s Site
	dec := json.NewDecoder(bytes.NewReader(siteJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return Site{}, fmt.Errorf("demo data: %w", err)
	}
	return s, nil
}

// Store is what loading needs of a content store: the same calls the
// editor API makes.
type Store[P models.Content] interface {
	Create(ctx context.Context, it P, by string) (P, error)
	GetByKey(ctx context.Context, key string) (P, error)
	Replace(ctx context.Context, it P, expected int64, action models.Action, by string, changed []string) (P, error)
}

// Flags remember that the demo was loaded, so content an editor deleted
// is not brought back at the next start.
type Flags interface {
	IsSet(ctx context.Context, name string) (bool, error)
	Set(ctx context.Context, name string) error
}

const loadedFlag = "demo-loaded"

// Loader puts the demo site into the stores.
type Loader struct {
	Partnerships Store[*models.Partnership]
	Blocks       Store[*models.Block]
	Pages        Store[*models.ContentPage]
	Flags        Flags
	Locales      models.Locales
	Logger       *slog.Logger
}

// actor is how demo content appears in version history.
const actor = "demo"

// LoadOnce loads the demo site unless it was loaded before. Each record is
// created only when its key is free, so a load interrupted half-way
// completes on the next start and never duplicates.
func (l Loader) LoadOnce(ctx context.Context) error {
	site, err := Jesenice()
	if err != nil {
		return err
	}
	if done, err := l.Flags.IsSet(ctx, loadedFlag); err != nil || done {
		return err
	}
	for i := range site.Blocks {
		if err := put(ctx, l, l.Blocks, &site.Blocks[i]); err != nil {
			return err
		}
	}
	for i := range site.Partnerships {
		if err := put(ctx, l, l.Partnerships, &site.Partnerships[i]); err != nil {
			return err
		}
	}
	if err := put(ctx, l, l.Pages, &site.Page); err != nil {
		return err
	}
	if err := l.Flags.Set(ctx, loadedFlag); err != nil {
		return err
	}
	l.Logger.Info("demo content loaded", "page", site.Page.Slug, "partnerships", len(site.Partnerships), "blocks", len(site.Blocks))
	return nil
}

// put validates, creates and publishes one record unless its key exists.
func put[P models.Content](ctx context.Context, l Loader, s Store[P], it P) error {
	if _, err := s.GetByKey(ctx, it.Key()); err == nil {
		return nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	if err := models.Prepare(it, l.Locales); err != nil {
		return fmt.Errorf("%s: %w", it.Key(), err)
	}
	created, err := s.Create(ctx, it, actor)
	if err != nil {
		return fmt.Errorf("%s: %w", it.Key(), err)
	}
	if _, err := s.Replace(ctx, created, created.GetMeta().Version, models.ActionPublish, actor, []string{"status"}); err != nil {
		return fmt.Errorf("%s: publish: %w", it.Key(), err)
	}
	return nil
}
