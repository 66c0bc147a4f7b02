package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/bulk"
	"github.com/jesenice/twincms/models"
)

// A bag of 1,000 small scans (250 under -race) through `twincms ingest`:
// every file is stored once with its checksum; running it again stores
// nothing and skips them all by SHA-256.
func TestIngestCommandStoresABagOf1000Files(t *testing.T) {
	s := emptyServer(t, nil)
	ar := s.newToken(t, "archivist")
	files := tinyPDFs(testBagSize, "scan", "")
	bag := writeBag(t, t.TempDir(), files)

	out, err := s.ingestCommand(t, context.Background(), bag, "", 4)
	n := testBagSize
	if err != nil || !strings.Contains(out, fmt.Sprintf("%d files: %d stored, 0 skipped (already stored), 0 failed", n, n)) {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	list := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?per_page=1", Token: ar}), 200).Map(t)
	if list["total"].(float64) != float64(n) || s.distinctChecksums(t) != n {
		t.Fatalf("archive holds %v documents, %d distinct checksums; want %d", list["total"], s.distinctChecksums(t), n)
	}
	probe := files[n*2/5]
	found := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?sha256=" + sha(probe.Body), Token: ar}), 200).Map(t)
	items := found["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("by checksum: %v", found)
	}
	doc := items[0].(map[string]any)
	file := doc["file"].(map[string]any)
	if file["original_filename"] != probe.Path || file["content_type"] != "application/pdf" || doc["kind"] != "scan" ||
		doc["title"].(map[string]any)["sl"] != strings.TrimSuffix(probe.Path, ".pdf") || doc["created_by"] != "ingest" {
		t.Fatalf("stored as %v", doc)
	}
	before := s.stored(t)
	out, err = s.ingestCommand(t, context.Background(), bag, "", 8)
	if err != nil || !strings.Contains(out, fmt.Sprintf("%d files: 0 stored, %d skipped (already stored), 0 failed", n, n)) {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	if after := s.stored(t); after != before {
		t.Fatalf("the second run changed the store: %+v → %+v", before, after)
	}
}

// A bag with one altered file, one missing and one unlisted is refused
// whole, naming the three, before anything is stored.
func TestIngestRefusesATamperedBagBeforeStoringAnything(t *testing.T) {
	s := emptyServer(t, nil)
	files := tinyPDFs(40, "charter", "1975")
	bag := writeBag(t, t.TempDir(), files)
	altered := filepath.Join(bag, "data", "1975", "charter-0007.pdf")
	b, _ := os.ReadFile(altered)
	if err := os.WriteFile(altered, append(b, []byte("% one more line\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(bag, "data", "1975", "charter-0031.pdf")); err != nil {
		t.Fatal(err)
	}
	writeFolder(t, filepath.Join(bag, "data"), []bagFile{{Path: "extra.pdf", Body: []byte("%PDF-1.4\n% not in the manifest\n")}})

	before := s.stored(t)
	for _, path := range []string{bag, zipPath(t, bag)} {
		out, err := s.ingestCommand(t, context.Background(), path, "", 4)
		if err == nil || !strings.Contains(out, "the bag is refused; nothing was stored") {
			t.Fatalf("%s: a tampered bag was not refused: %v\n%s", path, err, out)
		}
		for _, want := range []string{
			"data/1975/charter-0007.pdf: does not match its sha256 checksum in manifest-sha256.txt",
			"data/1975/charter-0031.pdf: is listed in manifest-sha256.txt but missing",
			"data/extra.pdf: is not listed in manifest-sha256.txt",
			"bag-info.txt: Payload-Oxum says",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the report lacks %q:\n%s", path, want, out)
			}
		}
		if after := s.stored(t); after != before {
			t.Fatalf("a refused bag stored something: %+v → %+v", before, after)
		}
	}
}

// zipPath zips a bag directory (under one base directory, as our export
// does) into a file beside it.
func zipPath(t *testing.T, bag string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "bag.zip")
	if err := os.WriteFile(p, zipDir(t, bag, "bag"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A run cancelled after some files, then run again: the second run
// stores only the rest; no file is stored twice and nothing is left over.
func TestIngestResumesAnInterruptedRun(t *testing.T) {
	s := emptyServer(t, nil)
	dir := t.TempDir()
	writeFolder(t, dir, tinyPDFs(120, "photo-a", "box-1"))
	writeFolder(t, dir, tinyPDFs(80, "photo-b", "box-2"))
	src, err := bulk.Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sum, err := s.srv.BulkRunner().Run(models.WithActor(ctx, models.Actor{Name: "ingest"}), src, bulk.Options{Workers: 4, Progress: func(p bulk.Progress) {
		if p.Phase == bulk.PhaseIngesting && p.Stored >= 50 {
			cancel()
		}
	}})
	src.Close()
	if err == nil || !sum.Interrupted || sum.Stored < 50 || sum.Stored >= 200 || sum.Failed != 0 {
		t.Fatalf("interrupted run: %v, %+v", err, sum)
	}
	first := sum.Stored
	if got := s.stored(t); got.Documents != first || got.Claims != first || got.Objects != first {
		t.Fatalf("after the interruption the store holds %+v, want %d of each", got, first)
	}

	out, err := s.ingestCommand(t, context.Background(), dir, "", 4)
	want := fmt.Sprintf("200 files: %d stored, %d skipped (already stored), 0 failed", 200-first, first)
	if err != nil || !strings.Contains(out, want) {
		t.Fatalf("resumed run: %v\n%s\nwant %q", err, out, want)
	}
	if got := s.stored(t); got.Documents != 200 || got.Claims != 200 || got.Objects != 200 || s.distinctChecksums(t) != 200 {
		t.Fatalf("after resuming the store holds %+v (%d distinct checksums), want 200 of each", got, s.distinctChecksums(t))
	}
}

// testBagSize is the size of the large bag: 1,000 files, 250 under the
// race detector; TWINCMS_TEST_BAG_SIZE overrides it.
var testBagSize = 1000

func init() {
	if raceEnabled {
		testBagSize = 250
	}
	if v := os.Getenv("TWINCMS_TEST_BAG_SIZE"); v != "" {
		fmt.Sscan(v, &testBagSize)
	}
}

// A folder with a metadata CSV (semicolons, as Slovenian spreadsheets
// write it): good rows give titles, reference, date and partnership link;
// each bad row fails only its own file, with its line and column; rows for
// files that are not there are reported; the exit is an error.
func TestIngestAppliesMetadataCSVAndReportsBadRows(t *testing.T) {
	s := emptyServer(t, nil)
	ar, ed := s.newToken(t, "archivist"), s.newToken(t, "editor")
	trbiz := create(t, s, ed, minimalPartnership("trbiz", "Trbiž"))
	dir := t.TempDir()
	files := tinyPDFs(6, "listina", "")
	writeFolder(t, dir, files)
	csvPath := filepath.Join(dir, "metapodatki.csv")
	csv := "\ufefffile;kind;title_sl;title_en;archival_ref;original_date;partnership\n" +
		"listina-0001.pdf;charter;Listina o pobratenju;Twinning charter;SI-ZAL-JES/0042;1964-05-09;trbiz\n" +
		"listina-0002.pdf;agreement;Dogovor;;SI-ZAL-JES/0043;1971;\n" +
		"listina-0003.pdf;poem;Pesem;;;;\n" +
		"listina-0004.pdf;scan;Sken;;;1964-13-01;\n" +
		"listina-0005.pdf;scan;Sken;;;;nobody\n" +
		"missing.pdf;scan;Ni ga;;;;\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := s.ingestCommand(t, context.Background(), dir, csvPath, 2)
	if err == nil || !strings.Contains(out, "6 files: 3 stored, 0 skipped (already stored), 3 failed") {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	for _, want := range []string{
		"listina-0003.pdf: metadata line 4: kind: must be one of",
		"listina-0004.pdf: metadata line 5: original_date: must be YYYY, YYYY-MM or YYYY-MM-DD",
		`listina-0005.pdf: metadata line 6: partnership: no partnership has the slug "nobody"`,
		"missing.pdf: metadata line 7 names a file that is not in the folder or bag",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	doc := func(f bagFile) map[string]any {
		items := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?sha256=" + sha(f.Body), Token: ar}), 200).Map(t)["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("%s: %d documents", f.Path, len(items))
		}
		return items[0].(map[string]any)
	}
	charter := doc(files[0])
	prov := charter["provenance"].(map[string]any)
	title := charter["title"].(map[string]any)
	if charter["kind"] != "charter" || title["sl"] != "Listina o pobratenju" || title["en"] != "Twinning charter" ||
		prov["archival_ref"] != "SI-ZAL-JES/0042" || prov["original_date"] != "1964-05-09" ||
		len(charter["partnership_ids"].([]any)) != 1 || charter["partnership_ids"].([]any)[0] != trbiz["id"] {
		t.Fatalf("charter stored as %v", charter)
	}
	if d := doc(files[1]); d["kind"] != "agreement" || d["provenance"].(map[string]any)["original_date"] != "1971" {
		t.Fatalf("agreement stored as %v", d)
	}
	// A file without a row is a scan titled by its name.
	if d := doc(files[5]); d["kind"] != "scan" || d["title"].(map[string]any)["sl"] != "listina-0006" {
		t.Fatalf("file without metadata stored as %v", d)
	}
	// The partnership filter finds the linked charter.
	linked := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents?partnership=" + trbiz["id"].(string), Token: ar}), 200).Map(t)
	if linked["total"].(float64) != 1 {
		t.Fatalf("documents of trbiz: %v", linked)
	}

	// A header the command cannot use refuses the run before anything.
	before := s.stored(t)
	if err := os.WriteFile(csvPath, []byte("file,title_fr\nlistina-0003.pdf,Charte\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ingestCommand(t, context.Background(), dir, csvPath, 2); err == nil || !strings.Contains(err.Error(), `locale "fr" is not configured`) {
		t.Fatalf("a bad header: %v", err)
	}
	if after := s.stored(t); after != before {
		t.Fatalf("a refused CSV stored something: %+v → %+v", before, after)
	}
}

// The real subcommand, as an operator runs it on a stopped instance's
// data dir: exit status 1 while anything fails (a file of a type the
// archive refuses), 0 once everything is stored or already there.
func TestIngestSubcommandExitStatus(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TWINCMS_DATA_DIR": data, "TWINCMS_S3_ADDR": s3, "TWINCMS_DEMO": "false"}
	for k, v := range externalS3Env(data) {
		env[k] = v
	}
	env["TWINCMS_DEMO"] = "false"
	getenv := func(k string) string { return env[k] }
	writeFolder(t, dir, tinyPDFs(3, "letter", ""))
	writeFolder(t, dir, []bagFile{{Path: "notes.txt", Body: []byte("not an archival format")}})

	var out bytes.Buffer
	if code := run([]string{"ingest", dir, "-j", "2"}, getenv, &out, &out); code != 1 ||
		!strings.Contains(out.String(), "4 files: 3 stored, 0 skipped (already stored), 1 failed") ||
		!strings.Contains(out.String(), "notes.txt: unsupported media type: only PDF, PNG, JPEG, TIFF and WebP files are accepted") {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if err := os.Remove(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"ingest", "-j", "2", dir}, getenv, &out, &out); code != 0 ||
		!strings.Contains(out.String(), "3 files: 0 stored, 3 skipped (already stored), 0 failed") {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"ingest"}, getenv, &out, &out); code != 1 || !strings.Contains(out.String(), "usage: twincms ingest PATH") {
		t.Fatalf("no PATH: exit %d:\n%s", code, out.String())
	}
}

// A bag whose data is a symbolic link out of it (data -> /some/dir), or
// holds a link to a file outside or inside it, is refused before
// anything is stored, naming each link: os.DirFS would follow them.
func TestIngestRefusesSymlinksInABag(t *testing.T) {
	s := emptyServer(t, nil)
	outside := t.TempDir()
	files := tinyPDFs(3, "elsewhere", "")
	writeFolder(t, outside, files)
	before := s.as.StoreState(t)

	dataLink := writeBag(t, t.TempDir(), files)
	symlink(t, outside, filepath.Join(dataLink, "data"))
	fileLink := writeBag(t, t.TempDir(), files)
	symlink(t, filepath.Join(outside, "elsewhere-0002.pdf"), filepath.Join(fileLink, "data", "elsewhere-0002.pdf"))
	inside := writeBag(t, t.TempDir(), files)
	symlink(t, "elsewhere-0001.pdf", filepath.Join(inside, "data", "elsewhere-0003.pdf"))
	tagLink := writeBag(t, t.TempDir(), files)
	symlink(t, filepath.Join(outside, "elsewhere-0001.pdf"), filepath.Join(tagLink, "bag-info.txt"))
	for bag, named := range map[string]string{dataLink: "data", fileLink: "data/elsewhere-0002.pdf", inside: "data/elsewhere-0003.pdf", tagLink: "bag-info.txt"} {
		out, err := s.ingestCommand(t, context.Background(), bag, "", 2)
		if err == nil || !strings.Contains(out, "the bag is refused; nothing was stored:\n  "+named+": is a symbolic link; a bag must hold its files itself") {
			t.Errorf("%s: %v\n%s", named, err, out)
		}
	}
	s.as.ExpectStoreUnchanged(t, before)
}

// The real subcommand bounds what a zipped bag expands to as configured
// (TWINCMS_MAX_EXPANDED_BYTES), refuses a bag linking out of itself, and
// stores nothing of either: once allowed, the same bags store every file.
func TestIngestSubcommandRefusesLinksAndOverExpandedBags(t *testing.T) {
	data := t.TempDir()
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TWINCMS_DATA_DIR": data, "TWINCMS_S3_ADDR": s3, "TWINCMS_MAX_EXPANDED_BYTES": "1MiB"}
	for k, v := range externalS3Env(data) {
		env[k] = v
	}
	env["TWINCMS_DEMO"] = "false"
	getenv := func(k string) string { return env[k] }
	ingest := func(path string) (int, string) {
		var out bytes.Buffer
		code := run([]string{"ingest", path}, getenv, &out, &out)
		return code, out.String()
	}

	// Three scans of 512 KiB that do not compress: 1.5 MiB expanded.
	rng := rand.New(rand.NewPCG(1, 2))
	var scans []bagFile
	for i := range 3 {
		body := append([]byte("%PDF-1.4\n"), make([]byte, 512<<10)...)
		for j := 9; j < len(body); j++ {
			body[j] = byte(rng.Uint32())
		}
		scans = append(scans, bagFile{Path: fmt.Sprintf("scan-%d.pdf", i), Body: body})
	}
	zipped := zipPath(t, writeBag(t, t.TempDir(), scans))
	if code, out := ingest(zipped); code != 1 || !strings.Contains(out, "the bag is refused; nothing was stored:\n  the bag expands to more than 1048576 bytes, the limit") {
		t.Fatalf("over the expanded limit: exit %d\n%s", code, out)
	}
	outside := t.TempDir()
	letters := tinyPDFs(2, "letter", "")
	writeFolder(t, outside, letters)
	linked := writeBag(t, t.TempDir(), letters)
	if err := os.RemoveAll(filepath.Join(linked, "data")); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, filepath.Join(linked, "data"))
	if code, out := ingest(linked); code != 1 || !strings.Contains(out, "data: is a symbolic link") {
		t.Fatalf("data linked out: exit %d\n%s", code, out)
	}

	delete(env, "TWINCMS_MAX_EXPANDED_BYTES")
	if code, out := ingest(zipped); code != 0 || !strings.Contains(out, "3 files: 3 stored, 0 skipped") {
		t.Fatalf("within the default limit: exit %d\n%s", code, out)
	}
	if code, out := ingest(outside); code != 0 || !strings.Contains(out, "2 files: 2 stored, 0 skipped") {
		t.Fatalf("the linked files as a folder: exit %d\n%s", code, out)
	}
}

// symlink makes a symbolic link at link to target, replacing what is there.
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.RemoveAll(link); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
