package app_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/embedded"
)

// fixture is a data dir's database made by twincms before drafts existed
// (main at df110bb, before migration 1): partnerships draft (edited),
// published, published then edited (live at once then), draft with a
// pending schedule publishing its frozen version 1 while it moved on,
// unpublished and archived; a published and a draft block; a published
// (then edited) and a draft page. It is testdata/datadir-before-drafts.tar.gz
// (the db directory of the data dir, gzipped tar).
func fixture(t testing.TB) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "datadir-before-drafts.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return dir
		}
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dir, filepath.Clean("/"+h.Name))
		if h.Typeflag == tar.TypeDir {
			if err := os.MkdirAll(target, 0o700); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// bySlug lists a content type through the API as the admin, by slug or key.
func bySlug(t *testing.T, s *apitest.Server, resource, key string) map[string]map[string]any {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/" + resource + "?per_page=100", Token: apitest.AdminToken}), 200).JSON(t, &list)
	out := map[string]map[string]any{}
	for _, it := range list.Items {
		out[it[key].(string)] = it
	}
	return out
}

func num(v any) int {
	if v == nil {
		return 0
	}
	return int(v.(float64))
}

// The fixture's database, served by FerretDB, is opened by two twincms
// instances at once: migration 1 runs once (the database records one
// applied step), both serve the migrated records, every state keeps its
// meaning, and an edit of a formerly published record is a draft that
// leaves the public body byte-identical until published. A third start
// migrates nothing.
func TestMigrationMovesFixtureOnceWithTwoInstancesStartingTogether(t *testing.T) {
	ctx := context.Background()
	db, err := embedded.StartDB(ctx, filepath.Join(fixture(t), "db"), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	env := map[string]string{"TWINCMS_MONGODB_URI": db.URI(), "TWINCMS_DEMO": "false"}
	servers := make([]*apitest.Server, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			servers[i], errs[i] = apitest.Start(t.TempDir(), env)
		}()
	}
	wg.Wait()
	for _, s := range servers {
		if s != nil {
			t.Cleanup(s.Close)
		}
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	applied, err := servers[1].CMS.Migrations.Applied(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 1 || applied[0].Level != 1 {
		t.Fatalf("applied %+v, want migration 1 once", applied)
	}

	a := servers[0]
	parts := bySlug(t, a, "partnerships", "slug")
	for _, c := range []struct {
		slug            string
		status          string
		version, pv, dv int
	}{
		{"fx-draft", "draft", 2, 0, 2},
		{"fx-published", "published", 2, 2, 0},
		{"fx-edited", "published", 3, 3, 0},
		{"fx-scheduled", "draft", 2, 0, 2},
		{"fx-unpublished", "draft", 3, 0, 3},
		{"fx-archived", "archived", 3, 0, 3},
	} {
		p := parts[c.slug]
		if p == nil || p["status"] != c.status || num(p["version"]) != c.version || num(p["published_version"]) != c.pv ||
			num(p["draft_version"]) != c.dv || p["has_unpublished_changes"] != (c.dv != 0) {
			t.Errorf("%s after migration: %v", c.slug, p)
		}
	}
	blocks, pages := bySlug(t, a, "blocks", "key"), bySlug(t, a, "pages", "slug")
	if b := blocks["fx-block"]; num(b["published_version"]) != 2 || b["draft_version"] != nil {
		t.Errorf("published block: %v", b)
	}
	if b := blocks["fx-block-draft"]; b["published_version"] != nil || num(b["draft_version"]) != 1 {
		t.Errorf("draft block: %v", b)
	}
	if p := pages["fx-page"]; num(p["published_version"]) != 3 || p["has_unpublished_changes"] != false {
		t.Errorf("published page: %v", p)
	}
	if p := pages["fx-page-draft"]; num(p["draft_version"]) != 1 || p["has_unpublished_changes"] != true {
		t.Errorf("draft page: %v", p)
	}

	// The migrated published record: a PATCH is a draft.
	public := func(s *apitest.Server) []byte {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/fx-edited"}), 200).Body
	}
	before := public(a)
	path := "/api/v1/partnerships/" + parts["fx-edited"]["id"].(string)
	apitest.PatchTo(t, a, apitest.AdminToken, path, 3, map[string]any{"partner": map[string]any{"name": map[string]string{"sl": "Neobjavljeno"}}})
	if !bytes.Equal(public(a), before) || !bytes.Equal(public(servers[1]), before) {
		t.Fatal("a draft of the migrated record went public")
	}
	apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: apitest.AdminToken, Headers: apitest.IfMatch(4)}), 200)
	if !bytes.Contains(public(a), []byte("Neobjavljeno")) {
		t.Fatal("publish did not publish the draft")
	}
	// The frozen schedule is still pending.
	var sched struct {
		Items []map[string]any `json:"items"`
	}
	apitest.Expect(t, a.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/schedules?status=pending", Token: apitest.AdminToken}), 200).JSON(t, &sched)
	if len(sched.Items) != 1 || num(sched.Items[0]["version"]) != 1 {
		t.Fatalf("pending schedules: %v", sched.Items)
	}

	// A third instance: nothing to migrate.
	third, err := apitest.Start(t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(third.Close)
	if applied, _ := third.CMS.Migrations.Applied(ctx); len(applied) != 1 {
		t.Fatalf("applied after a third start: %+v", applied)
	}
}
