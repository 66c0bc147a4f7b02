package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/storage"
)

// siteFormat names the export format so an import can refuse others.
const siteFormat = "twincms-site/1"

// siteExport is the file `twincms export` writes and `twincms import`
// reads: all content with its status; ids and versions are the exporting
// instance's and are not carried over.
type siteExport struct {
	Format       string                `json:"format"`
	ExportedAt   time.Time             `json:"exported_at"`
	Pages        []*models.ContentPage `json:"pages"`
	Blocks       []*models.Block       `json:"blocks"`
	Partnerships []*models.Partnership `json:"partnerships"`
}

// contentStores is the database side of a server, for the tools.
type contentStores struct {
	emb          *embedded.DB
	db           *storage.DB
	partnerships *storage.Partnerships
	blocks       *storage.Blocks
	pages        *storage.Pages
	changes      *storage.Changes
}

func openContent(ctx context.Context, cfg config.Config, logger *slog.Logger) (*contentStores, error) {
	cs := &contentStores{}
	uri := cfg.MongoURI
	if cfg.EmbeddedDB() {
		e, err := embedded.StartDB(ctx, filepath.Join(cfg.DataDir, "db"), levelFilter(logger, slog.LevelError))
		if err != nil {
			return nil, err
		}
		cs.emb, uri = e, e.URI()
	}
	var err error
	if cs.db, err = storage.OpenDB(ctx, uri, cfg.MongoDatabase); err == nil {
		if cs.partnerships, err = storage.NewPartnerships(ctx, cs.db); err == nil {
			if cs.blocks, err = storage.NewBlocks(ctx, cs.db); err == nil {
				cs.pages, err = storage.NewPages(ctx, cs.db)
			}
		}
	}
	if err != nil {
		cs.close(ctx)
		return nil, err
	}
	cs.changes = storage.NewChanges(cs.db)
	return cs, nil
}

func (cs *contentStores) close(ctx context.Context) {
	if cs.db != nil {
		_ = cs.db.Close(ctx)
	}
	if cs.emb != nil {
		_ = cs.emb.Close()
	}
}

// runTool runs a command-line tool other than serve.
func runTool(ctx context.Context, name string, args []string, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	switch {
	case name == "export" && len(args) == 0:
	case name == "import" && len(args) == 1:
	default:
		return fmt.Errorf("unknown command %q (usage: twincms [serve | export | import FILE])", name)
	}
	cs, err := openContent(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer cs.close(context.WithoutCancel(ctx))
	if name == "export" {
		return exportSite(ctx, cs, stdout)
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	locales := models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback}
	return importSite(ctx, cs, f, locales, os.Stderr)
}

func exportSite(ctx context.Context, cs *contentStores, w io.Writer) error {
	var out siteExport
	var err error
	out.Format, out.ExportedAt = siteFormat, time.Now().UTC()
	if out.Pages, err = cs.pages.All(ctx, ""); err != nil {
		return err
	}
	if out.Blocks, err = cs.blocks.All(ctx, ""); err != nil {
		return err
	}
	if out.Partnerships, err = cs.partnerships.All(ctx, ""); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// importTally counts what an import did.
type importTally struct{ created, updated, unchanged, failed int }

// importSite creates or updates every record by its key, validated as the
// API validates, and sets its status; running it twice changes nothing the
// second time. A record that fails is reported and skipped.
func importSite(ctx context.Context, cs *contentStores, r io.Reader, l models.Locales, progress io.Writer) error {
	var in siteExport
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("import: not a twincms export: %w", err)
	}
	if in.Format != siteFormat {
		return fmt.Errorf("import: format %q, want %q", in.Format, siteFormat)
	}
	var t importTally
	for _, b := range in.Blocks {
		importOne(ctx, cs.blocks, b, l, "block", progress, &t)
	}
	for _, p := range in.Partnerships {
		importOne(ctx, cs.partnerships, p, l, "partnership", progress, &t)
	}
	for _, p := range in.Pages {
		importOne(ctx, cs.pages, p, l, "page", progress, &t)
	}
	if _, err := cs.changes.Bump(ctx); err != nil {
		return err
	}
	fmt.Fprintf(progress, "import done: %d created, %d updated, %d unchanged, %d failed\n", t.created, t.updated, t.unchanged, t.failed)
	if t.failed > 0 {
		return fmt.Errorf("import: %d records failed", t.failed)
	}
	return nil
}

// importStore is the part of a content store an import uses.
type importStore[P models.Content] interface {
	Create(ctx context.Context, it P, by string) (P, error)
	GetByKey(ctx context.Context, key string) (P, error)
	Replace(ctx context.Context, it P, expected int64, action models.Action, by string, changed []string) (P, error)
}

const importActor = "import"

func importOne[P models.Content](ctx context.Context, s importStore[P], it P, l models.Locales, kind string, progress io.Writer, t *importTally) {
	status := it.GetMeta().Status
	result, err := upsert(ctx, s, it, l, status)
	if err != nil {
		t.failed++
		fmt.Fprintf(progress, "%-11s %-30s failed: %v\n", kind, it.Key(), err)
		return
	}
	switch result {
	case "created":
		t.created++
	case "updated":
		t.updated++
	default:
		t.unchanged++
	}
	fmt.Fprintf(progress, "%-11s %-30s %s (%s)\n", kind, it.Key(), result, status)
}

func upsert[P models.Content](ctx context.Context, s importStore[P], it P, l models.Locales, status models.Status) (string, error) {
	if !status.Valid() {
		return "", fmt.Errorf("status %q is not draft, published or archived", status)
	}
	if err := models.Prepare(it, l); err != nil {
		return "", err
	}
	cur, err := s.GetByKey(ctx, it.Key())
	result := "updated"
	switch {
	case errors.Is(err, models.ErrNotFound):
		if cur, err = s.Create(ctx, it, importActor); err != nil {
			return "", err
		}
		result = "created"
	case err != nil:
		return "", err
	default:
		*it.GetMeta() = *cur.GetMeta()
		changed := models.ChangedFields(cur, it)
		if len(changed) == 0 {
			result = "unchanged"
		} else if cur, err = s.Replace(ctx, it, cur.GetMeta().Version, models.ActionUpdate, importActor, changed); err != nil {
			return "", err
		}
	}
	if cur.GetMeta().Status == status {
		return result, nil
	}
	act := map[models.Status]models.Action{models.StatusPublished: models.ActionPublish, models.StatusDraft: models.ActionUnpublish, models.StatusArchived: models.ActionArchive}[status]
	if _, err := s.Replace(ctx, cur, cur.GetMeta().Version, act, importActor, []string{"status"}); err != nil {
		return "", err
	}
	if result == "unchanged" {
		result = "updated"
	}
	return result, nil
}
