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
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/internal/logx"
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

// contentStores is the database side of a server, for the tools: content
// is read and written through the content services, as the API does.
type contentStores struct {
	emb     *embedded.DB
	db      *storage.DB
	content *content.Services
	changes *storage.Changes
}

// openContent opens the database and the content services; hooks are told
// of every content write (the tools run no published snapshot: an import
// bumps the shared change counter once at its end instead).
func openContent(ctx context.Context, cfg config.Config, logger *slog.Logger, hooks ...models.ChangeHook) (*contentStores, error) {
	cs := &contentStores{}
	uri := cfg.MongoURI
	if cfg.EmbeddedDB() {
		e, err := embedded.StartDB(ctx, filepath.Join(cfg.DataDir, "db"), logx.LevelFilter(logger, slog.LevelError))
		if err != nil {
			return nil, err
		}
		cs.emb, uri = e, e.URI()
	}
	var err error
	if cs.db, err = storage.OpenDB(ctx, uri, cfg.MongoDatabase); err == nil {
		cs.content, err = newContent(ctx, cs.db, models.Locales{Supported: cfg.Locales, Fallback: cfg.Fallback}, hooks)
	}
	if err != nil {
		cs.close(ctx)
		return nil, err
	}
	cs.changes = storage.NewChanges(cs.db)
	return cs, nil
}

// newContent opens the content stores (and the documents content refers
// to) and returns the content services over them.
func newContent(ctx context.Context, db *storage.DB, l models.Locales, hooks models.Hooks) (*content.Services, error) {
	parts, err := storage.NewPartnerships(ctx, db)
	if err != nil {
		return nil, err
	}
	blocks, err := storage.NewBlocks(ctx, db)
	if err != nil {
		return nil, err
	}
	pages, err := storage.NewPages(ctx, db)
	if err != nil {
		return nil, err
	}
	docs, err := storage.NewDocuments(ctx, db)
	if err != nil {
		return nil, err
	}
	return content.New(content.Config{Partnerships: parts, Blocks: blocks, Pages: pages, Documents: docs, Locales: l, Hooks: hooks}), nil
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
	return importSite(ctx, cs, f, os.Stderr)
}

func exportSite(ctx context.Context, cs *contentStores, w io.Writer) error {
	var out siteExport
	var err error
	out.Format, out.ExportedAt = siteFormat, time.Now().UTC()
	if out.Pages, err = cs.content.Pages.All(ctx, ""); err != nil {
		return err
	}
	if out.Blocks, err = cs.content.Blocks.All(ctx, ""); err != nil {
		return err
	}
	if out.Partnerships, err = cs.content.Partnerships.All(ctx, ""); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// importTally counts what an import did.
type importTally struct{ created, updated, unchanged, failed int }

// importSite creates or updates every record by its key, validated and
// reference-checked as the API does, and sets its status; running it twice
// changes nothing the second time. A record that fails is reported and
// skipped.
func importSite(ctx context.Context, cs *contentStores, r io.Reader, progress io.Writer) error {
	var in siteExport
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("import: not a twincms export: %w", err)
	}
	if in.Format != siteFormat {
		return fmt.Errorf("import: format %q, want %q", in.Format, siteFormat)
	}
	ctx = models.WithActor(ctx, models.Actor{Name: "import"})
	var t importTally
	for _, b := range in.Blocks {
		importOne(ctx, cs.content.Blocks, b, "block", progress, &t)
	}
	for _, p := range in.Partnerships {
		importOne(ctx, cs.content.Partnerships, p, "partnership", progress, &t)
	}
	for _, p := range in.Pages {
		importOne(ctx, cs.content.Pages, p, "page", progress, &t)
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

func importOne[T any, P content.Item[T]](ctx context.Context, s *content.Service[T, P], it P, kind string, progress io.Writer, t *importTally) {
	status := it.GetMeta().Status
	result, err := upsert(ctx, s, it, status)
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

// upsert creates it or updates the record with its key, then gives it
// status; it says whether it created, updated or left the record unchanged.
func upsert[T any, P content.Item[T]](ctx context.Context, s *content.Service[T, P], it P, status models.Status) (string, error) {
	if !status.Valid() {
		return "", fmt.Errorf("status %q is not draft, published or archived", status)
	}
	cur, err := s.GetByKey(ctx, it.Key())
	result := "updated"
	switch {
	case errors.Is(err, models.ErrNotFound):
		if cur, err = s.Create(ctx, it); err != nil {
			return "", err
		}
		result = "created"
	case err != nil:
		return "", err
	default:
		before := cur.GetMeta().Version
		if cur, err = s.Update(ctx, cur.GetMeta().ID, before, it); err != nil {
			return "", err
		}
		if cur.GetMeta().Version == before {
			result = "unchanged"
		}
	}
	m := cur.GetMeta()
	if m.Status == status {
		return result, nil
	}
	act := map[models.Status]models.Action{models.StatusPublished: models.ActionPublish, models.StatusDraft: models.ActionUnpublish, models.StatusArchived: models.ActionArchive}[status]
	if _, err := s.Transition(ctx, m.ID, m.Version, act); err != nil {
		return "", err
	}
	if result == "unchanged" {
		result = "updated"
	}
	return result, nil
}
