package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// Export from one instance, import into an empty one (twice): the content
// arrives with its status, and the second import changes nothing. An
// export carries no documents, so the partnerships' references to the
// source's documents are left out here (see
// TestImportRefusesMissingDocuments for what happens to them).
func TestExportImportMovesContentBetweenInstances(t *testing.T) {
	exported := exportShared(t, true)

	dst := emptyServer(t, nil)
	cs := dst.srv.content
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
	var exported bytes.Buffer
	if err := exportSite(context.Background(), shared.srv.content, &exported); err != nil {
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
	dst := emptyServer(t, nil)
	cs := dst.srv.content
	var progress bytes.Buffer
	err := importSite(context.Background(), cs, bytes.NewReader(exported.Bytes()), &progress)
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

// Every tool opens twincms through the composition root, so each takes
// the data dir's lock: beside a serving process on the same embedded data
// each is refused with the same one line a second serve gets, and nothing
// is written (no export file, no imported record). Once the server has
// stopped, `export FILE` writes the file and `import FILE` reads it back.
func TestToolsBesideAServingProcessAreRefused(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, work := t.TempDir(), t.TempDir()
	addrs := freeAddrs(t, 2)
	addr, s3 := addrs[0], addrs[1]
	server := execMain(exe, dir, addr, s3)
	server.Env = append(server.Env, "TWINCMS_DEMO=false")
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = server.Process.Kill(); _ = server.Wait() }()
	waitReady(t, "http://"+addr+"/readyz")

	env := map[string]string{"TWINCMS_DATA_DIR": dir, "TWINCMS_S3_ADDR": s3, "TWINCMS_DEMO": "false", "TWINCMS_BOOTSTRAP_TOKEN": testAdminToken}
	getenv := func(k string) string { return env[k] }
	site := filepath.Join(work, "site.json")
	if err := os.WriteFile(site, []byte(`{"format":"twincms-site/1","pages":[],"blocks":[{"key":"beside","title":{"sl":"Zraven"},"body":{"sl":"<p>x</p>"},"status":"published"}],"partnerships":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(work, "scans"), 0o700); err != nil {
		t.Fatal(err)
	}
	want := "data dir " + dir + " is in use by another twincms process"
	for _, args := range [][]string{{"export"}, {"export", filepath.Join(work, "out.json")}, {"import", site}, {"ingest", filepath.Join(work, "scans")}} {
		var out bytes.Buffer
		if code := run(args, getenv, &out, &out); code != 1 || strings.Count(out.String(), want) != 1 {
			t.Errorf("twincms %s beside a serving process: exit %d, output:\n%s", strings.Join(args, " "), code, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(work, "out.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused export left its file: %v", err)
	}
	expect(t, apitest.Do(t, "http://"+addr, req{Method: "GET", Path: "/api/v1/public/blocks/beside"}), 404)

	// Stopped, the data dir is free: export to a file, import it back.
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = server.Wait()
	var out bytes.Buffer
	if code := run([]string{"import", site}, getenv, &out, &out); code != 0 || !strings.Contains(out.String(), "1 created") {
		t.Fatalf("import after the server stopped: exit %d\n%s", code, out.String())
	}
	exported := filepath.Join(work, "out.json")
	if code := run([]string{"export", exported}, getenv, &out, &out); code != 0 {
		t.Fatalf("export FILE: exit %d\n%s", code, out.String())
	}
	var got siteExport
	if b, err := os.ReadFile(exported); err != nil || json.Unmarshal(b, &got) != nil || len(got.Blocks) != 1 || got.Blocks[0].BlockKey != "beside" {
		t.Fatalf("export FILE wrote %d blocks (%v)", len(got.Blocks), err)
	}
	if code := run([]string{"export", "a", "b"}, getenv, &out, &out); code != 1 || !strings.Contains(out.String(), "usage: twincms") {
		t.Errorf("export with two files: exit %d\n%s", code, out.String())
	}
}
