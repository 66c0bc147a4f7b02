package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jesenice/twincms/storage"
)

// Export from one instance, import into an empty one (twice): the content
// arrives with its status, and the second import changes nothing.
func TestExportImportMovesContentBetweenInstances(t *testing.T) {
	src, err := openContent(context.Background(), shared.cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer src.close(context.Background())
	var exported bytes.Buffer
	if err := exportSite(context.Background(), src, &exported); err != nil {
		t.Fatal(err)
	}
	var site siteExport
	if err := json.Unmarshal(exported.Bytes(), &site); err != nil || len(site.Partnerships) < 5 {
		t.Fatalf("export: %v, %d partnerships", err, len(site.Partnerships))
	}

	dst, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.close()
	cs := &contentStores{db: dst.srv.db, partnerships: dst.srv.partnerships, blocks: dst.srv.blocks, pages: dst.srv.pages,
		changes: storage.NewChanges(dst.srv.db)}
	var progress bytes.Buffer
	if err := importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), dst.srv.Deps().Locales, &progress); err != nil {
		t.Fatalf("import: %v\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "partnership valjevo") || !strings.Contains(progress.String(), "0 failed") {
		t.Fatalf("progress: %s", progress.String())
	}
	progress.Reset()
	if err := importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), dst.srv.Deps().Locales, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "0 created, 0 updated") {
		t.Fatalf("second import changed something: %s", progress.String())
	}
	// The imported page is public on the new instance once it notices.
	if err := dst.srv.published.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	page := expect(t, dst.do(t, req{Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine"}), 200).Map(t)
	if len(page["partnerships"].([]any)) < 5 {
		t.Fatalf("imported page: %v", page)
	}

	bad := strings.Replace(exported.String(), `"country": "RS"`, `"country": "XX"`, 1)
	progress.Reset()
	if err := importSite(context.Background(), cs, strings.NewReader(bad), dst.srv.Deps().Locales, &progress); err == nil ||
		!strings.Contains(progress.String(), "valjevo") || !strings.Contains(progress.String(), "failed") {
		t.Fatalf("a bad record was not reported: %v\n%s", err, progress.String())
	}
}
