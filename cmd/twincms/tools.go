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
	"strings"
	"time"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/models"
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

// openTool opens twincms for a command-line tool through the composition
// root, as serve does: it takes the data directory's lock (so a tool
// beside a serving process on the same data dir is refused with the lock's
// message), and every write passes the same change hooks (snapshot change
// log, audit log, webhooks' outbox). Tools load no demo content.
func openTool(ctx context.Context, cfg config.Config, logger *slog.Logger) (*app.App, error) {
	return app.Open(ctx, cfg, app.Options{Logger: logger, NoDemo: true})
}

// runTool runs a command-line tool other than serve and ingest.
func runTool(ctx context.Context, name string, args []string, cfg config.Config, logger *slog.Logger, stdout, stderr io.Writer) error {
	switch {
	case name == "export" && len(args) <= 1:
	case name == "import" && len(args) == 1:
	default:
		return fmt.Errorf("unknown command %q (%s)", strings.Join(append([]string{name}, args...), " "), usage)
	}
	cms, err := openTool(ctx, cfg, logx.LevelFilter(logger, slog.LevelWarn))
	if err != nil {
		return err
	}
	defer cms.Close(context.WithoutCancel(ctx))
	if name == "export" {
		if len(args) == 0 || args[0] == "-" {
			return exportSite(ctx, cms.Content, stdout)
		}
		return exportToFile(ctx, cms.Content, args[0])
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	return importSite(ctx, cms.Content, f, stderr)
}

// exportToFile writes the export to path through a temporary file beside
// it, so a failed export leaves no half-written file under that name.
func exportToFile(ctx context.Context, cs *content.Services, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := exportSite(ctx, cs, tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func exportSite(ctx context.Context, cs *content.Services, w io.Writer) error {
	var out siteExport
	var err error
	out.Format, out.ExportedAt = siteFormat, time.Now().UTC()
	if out.Pages, err = cs.Pages.All(ctx, ""); err != nil {
		return err
	}
	if out.Blocks, err = cs.Blocks.All(ctx, ""); err != nil {
		return err
	}
	if out.Partnerships, err = cs.Partnerships.All(ctx, ""); err != nil {
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
// skipped. Every write passes the change hooks, so a twincms serving the
// same database (external MongoDB) shows the imported content at its next
// poll.
func importSite(ctx context.Context, cs *content.Services, r io.Reader, progress io.Writer) error {
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
		importOne(ctx, cs.Blocks, b, "block", progress, &t)
	}
	for _, p := range in.Partnerships {
		importOne(ctx, cs.Partnerships, p, "partnership", progress, &t)
	}
	for _, p := range in.Pages {
		importOne(ctx, cs.Pages, p, "page", progress, &t)
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
