package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/storage"
)

// Export from one instance, import into an empty one (twice): the content
// arrives with its status, and the second import changes nothing. An
// export carries no documents, so the partnerships' references to the
// source's documents are left out here (see
// TestImportRefusesMissingDocuments for what happens to them).
func TestExportImportMovesContentBetweenInstances(t *testing.T) {
	exported := exportShared(t, true)

	dst, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.close()
	cs := &contentStores{db: dst.srv.db, content: dst.srv.content, changes: storage.NewChanges(dst.srv.db)}
	var progress bytes.Buffer
	if err := importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), &progress); err != nil {
		t.Fatalf("import: %v\n%s", err, progress.String())
	}
	if !strings.Contains(progress.String(), "partnership valjevo") || !strings.Contains(progress.String(), "0 failed") {
		t.Fatalf("progress: %s", progress.String())
	}
	progress.Reset()
	if err := importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), &progress); err != nil {
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
	if err := importSite(context.Background(), cs, strings.NewReader(bad), &progress); err == nil ||
		!strings.Contains(progress.String(), "valjevo") || !strings.Contains(progress.String(), "failed") {
		t.Fatalf("a bad record was not reported: %v\n%s", err, progress.String())
	}
}

// exportShared exports the shared server's content, without the
// partnerships' document references when unlinked.
func exportShared(t *testing.T, unlinked bool) *bytes.Buffer {
	t.Helper()
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
	if !unlinked {
		return &exported
	}
	for _, p := range site.Partnerships {
		p.CrestID, p.Documents = "", []models.DocumentRef{}
		for i := range p.Agreements {
			p.Agreements[i].DocumentID = ""
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetIndent("", "  ")
	if err := enc.Encode(site); err != nil {
		t.Fatal(err)
	}
	return &out
}

// Import checks references as the API does: a partnership naming documents
// (its crest among them) that the target does not hold is refused and
// reported, nothing of it stored; the rest of the file is imported.
func TestImportRefusesMissingDocuments(t *testing.T) {
	exported := exportShared(t, false)
	dst, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.close()
	cs := &contentStores{db: dst.srv.db, content: dst.srv.content, changes: storage.NewChanges(dst.srv.db)}
	var progress bytes.Buffer
	err = importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), &progress)
	out := progress.String()
	for _, slug := range []string{"valjevo", "trbovlje", "nagold", "sentjakob-v-rozu", "trbiz"} {
		if !regexp.MustCompile(`partnership ` + slug + ` +failed: validation failed: crest_id: no document [0-9a-f]{24}`).MatchString(out) {
			t.Errorf("%s was not refused for its crest", slug)
		}
	}
	if err == nil || !regexp.MustCompile(`partnership valjevo +failed: .*crest_id: no document [0-9a-f]{24}`).MatchString(out) ||
		!strings.Contains(out, "page        pobratene-obcine               created (published)") {
		t.Fatalf("import with dangling references: %v\n%s", err, out)
	}
	ed := dst.newToken(t, "editor")
	list := expect(t, dst.do(t, req{Method: "GET", Path: "/api/v1/partnerships?q=valjevo", Token: ed}), 200).Map(t)
	if list["total"].(float64) != 0 {
		t.Fatalf("a refused partnership was stored: %v", list)
	}
}
