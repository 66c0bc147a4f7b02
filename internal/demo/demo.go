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
	"image/color"
	"log/slog"

	"github.com/jesenice/twincms/content"
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
	Documents    []DemoDocument       `json:"documents"`
	Crests       []DemoCrest          `json:"crests"`
}

// DemoDocument is a document of the page, stored as a placeholder PDF.
type DemoDocument struct {
	Partnership  string              `json:"partnership"`
	Kind         models.DocumentKind `json:"kind"`
	Role         models.DocumentRole `json:"role"`
	Title        models.Localized    `json:"title"`
	Filename     string              `json:"filename"`
	Agreement    bool                `json:"agreement"` // the partnership's founding agreement
	OriginalDate string              `json:"original_date"`
}

// DemoCrest is a partner's crest, stored as a placeholder shield.
type DemoCrest struct {
	Partnership string           `json:"partnership"`
	Title       models.Localized `json:"title"`
	// Alt is the crest's text alternative in every locale its partnership
	// is written in (publishing needs it).
	Alt    models.Localized `json:"alt"`
	Colors [2]string        `json:"colors"`
}

// PNG is the crest's placeholder shield in its colours.
func (c DemoCrest) PNG() []byte { return ShieldPNG(parseHex(c.Colors[0]), parseHex(c.Colors[1])) }

// Ingester stores files as documents (see package ingest); an error with
// DuplicateOf() means the bytes are stored already.
type Ingester interface {
	Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput) (*models.Document, error)
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

// Flags remember that the demo was loaded, so content an editor deleted
// is not brought back at the next start.
type Flags interface {
	IsSet(ctx context.Context, name string) (bool, error)
	Set(ctx context.Context, name string) error
}

const loadedFlag = "demo-loaded"

// Loader puts the demo site into the stores, writing content through the
// content services like every other writer.
type Loader struct {
	Content   *content.Services
	Documents Ingester
	Flags     Flags
	Logger    *slog.Logger
}

// actor is how demo content appears in version history and events.
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
	ctx = models.WithActor(ctx, models.Actor{Name: actor})
	for i := range site.Blocks {
		if err := put(ctx, l.Content.Blocks, &site.Blocks[i]); err != nil {
			return err
		}
	}
	for i := range site.Partnerships {
		if err := l.putPartnership(ctx, site, &site.Partnerships[i]); err != nil {
			return err
		}
	}
	if err := put(ctx, l.Content.Pages, &site.Page); err != nil {
		return err
	}
	if err := l.Flags.Set(ctx, loadedFlag); err != nil {
		return err
	}
	l.Logger.Info("demo content loaded", "page", site.Page.Slug, "partnerships", len(site.Partnerships),
		"blocks", len(site.Blocks), "documents", len(site.Documents), "crests", len(site.Crests))
	return nil
}

// put creates and publishes one record unless its key exists.
func put[T any, P content.Item[T]](ctx context.Context, s *content.Service[T, P], it P) error {
	if _, err := s.GetByKey(ctx, it.Key()); err == nil {
		return nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	created, err := s.Create(ctx, it)
	if err != nil {
		return fmt.Errorf("%s: %w", it.Key(), err)
	}
	if _, err := s.Transition(ctx, created.GetMeta().ID, created.GetMeta().Version, models.ActionPublish); err != nil {
		return fmt.Errorf("%s: publish: %w", it.Key(), err)
	}
	return nil
}

// putPartnership creates the partnership as a draft, stores its documents
// and crest naming it, links them, then publishes.
func (l Loader) putPartnership(ctx context.Context, site Site, p *models.Partnership) error {
	parts := l.Content.Partnerships
	if _, err := parts.GetByKey(ctx, p.Slug); err == nil {
		return nil
	} else if !errors.Is(err, models.ErrNotFound) {
		return err
	}
	created, err := parts.Create(ctx, p)
	if err != nil {
		return fmt.Errorf("%s: %w", p.Slug, err)
	}
	linked := *created
	linked.Documents = []models.DocumentRef{}
	linked.Agreements = append([]models.Agreement(nil), created.Agreements...)
	for _, d := range site.Documents {
		if d.Partnership != p.Slug {
			continue
		}
		in := models.DocumentInput{Kind: d.Kind, Title: d.Title, Language: "sl", PartnershipIDs: []string{created.ID},
			Provenance: models.Provenance{Source: "Občina Jesenice, demo", OriginalDate: d.OriginalDate,
				Notes: "Nadomestna datoteka, ki jo je twincms ustvaril za predstavitev; ni izvirni dokument."}}
		id, err := l.ingest(ctx, PlaceholderPDF(d.Title["sl"], d.Filename), d.Filename, in)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", p.Slug, d.Filename, err)
		}
		linked.Documents = append(linked.Documents, models.DocumentRef{DocumentID: id, Role: d.Role})
		if d.Agreement && len(linked.Agreements) > 0 {
			linked.Agreements[0].DocumentID = id
		}
	}
	for _, c := range site.Crests {
		if c.Partnership != p.Slug {
			continue
		}
		in := models.DocumentInput{Kind: models.KindCrest, Title: c.Title, Alt: c.Alt, PartnershipIDs: []string{created.ID},
			Provenance: models.Provenance{Source: "twincms demo", Notes: "Nadomestni ščit za predstavitev, ni grb občine."}}
		id, err := l.ingest(ctx, c.PNG(), p.Slug+"-grb.png", in)
		if err != nil {
			return fmt.Errorf("%s: crest: %w", p.Slug, err)
		}
		linked.CrestID = id
	}
	cur, err := parts.Update(ctx, created.ID, created.Version, &linked)
	if err != nil {
		return fmt.Errorf("%s: link documents: %w", p.Slug, err)
	}
	if _, err := parts.Transition(ctx, cur.ID, cur.Version, models.ActionPublish); err != nil {
		return fmt.Errorf("%s: publish: %w", p.Slug, err)
	}
	return nil
}

// ingest stores a placeholder file; bytes stored before (an interrupted
// earlier load) are reused.
func (l Loader) ingest(ctx context.Context, data []byte, filename string, in models.DocumentInput) (string, error) {
	d, err := l.Documents.Ingest(ctx, models.IncomingFile{Body: bytes.NewReader(data), Filename: filename}, in)
	var dup interface{ DuplicateOf() string }
	if errors.As(err, &dup) {
		return dup.DuplicateOf(), nil
	}
	if err != nil {
		return "", err
	}
	return d.ID, nil
}

func parseHex(s string) color.NRGBA {
	var r, g, b uint8
	_, _ = fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.NRGBA{R: r, G: g, B: b, A: 255}
}
