package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/backup"
)

// The database snapshot goes into a backup page by page: a backup after a
// few new documents writes the pages that changed into a pack and names
// the rest in the previous backup's; verify and restore reassemble the
// file and check every page's SHA-256 and the whole file's; a pack
// altered in the bag fails verify.
func TestIncrementalBackupWritesOnlyChangedDatabasePages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	s := apitest.Empty(t, map[string]string{"TWINCMS_BACKUP_TARGET": dir})
	seedBackupDocs(t, s, 0, 1500, 1<<10)
	_, first, err := s.CMS.Backups.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	seedBackupDocs(t, s, 1500, 1505, 1<<10)
	_, second, err := s.CMS.Backups.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	before, after := databaseOf(t, dir, first.ID), databaseOf(t, dir, second.ID)
	if len(after.PageSums) < 500 {
		t.Fatalf("the database is %d pages: too small to tell changed ones from the rest", len(after.PageSums))
	}
	// The pages that differ from the first backup's went into one new
	// pack; the others are named in the first backup's pack.
	var changed int64
	for i, sum := range after.PageSums {
		if i >= len(before.PageSums) || before.PageSums[i] != sum {
			changed++
		}
	}
	if len(before.Packs) != 1 || len(after.Packs) != 2 || !slices.Contains(after.Packs, before.Packs[0]) {
		t.Fatalf("packs %v after %v: want the first backup's and a new one", after.Packs, before.Packs)
	}
	newIdx := 1 - slices.Index(after.Packs, before.Packs[0])
	if newPack := after.PackSizes[newIdx]; changed == 0 || newPack > changed*4096 || changed > int64(len(after.PageSums))/4 {
		t.Fatalf("%d of %d pages changed after 5 new documents, the new pack is %d bytes", changed, len(after.PageSums), newPack)
	}
	// Sent: the new pack and the five new originals (and the store's
	// own small probe objects), nothing more.
	if second.SentBytes > after.PackSizes[newIdx]+64<<10 || second.SentBytes < after.PackSizes[newIdx] {
		t.Fatalf("the second backup sent %d bytes; its new pack is %d bytes", second.SentBytes, after.PackSizes[newIdx])
	}

	// Verify reassembles; restore writes the file whole, as recorded.
	bak := filepath.Join(dir, second.ID)
	info, _, err := backup.Verify(t.Context(), bak, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "restored")
	if err := backup.PrepareRestore(bak, data, false, info); err != nil {
		t.Fatal(err)
	}
	if len(info.DatabaseFiles) == 0 {
		t.Fatal("no database files recorded")
	}
	for _, db := range info.DatabaseFiles {
		raw, err := os.ReadFile(filepath.Join(data, "db", db.Name))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != db.SHA256 || int64(len(raw)) != db.Size {
			t.Fatalf("restored %s: %d bytes, SHA-256 %x; recorded %d, %s", db.Name, len(raw), sum, db.Size, db.SHA256)
		}
	}

	// The first backup's pack replaced in the second's bag (not through
	// its pool link, which the first backup shares) by one with a page
	// altered: verify names it.
	p := filepath.Join(bak, "data", "database", "packs", before.Packs[0])
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0xff
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := backup.Verify(t.Context(), bak, nil); err == nil || !strings.Contains(err.Error(), filepath.Base(p)) {
		t.Fatalf("verify of a backup with an altered database chunk: %v", err)
	}
	if _, _, err := backup.Verify(t.Context(), filepath.Join(dir, first.ID), nil); err != nil {
		t.Fatalf("the first backup, which shares the chunk's pool copy: %v", err)
	}

	// The pack linked back from the pool, retention keeps only the second
	// backup (both are of one day): the first backup's pack, which the
	// second names, stays in the pool and the second still verifies and
	// restores.
	pool := filepath.Join(dir, "pool", "sha256", before.Packs[0][:2], before.Packs[0])
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(pool, p); err != nil {
		t.Fatal(err)
	}
	tgt, err := backup.OpenTarget(dir, backup.S3Keys{})
	if err != nil {
		t.Fatal(err)
	}
	removed, err := backup.Prune(t.Context(), tgt, backup.Retention{Daily: 1})
	if err != nil || !slices.Equal(removed, []string{first.ID}) {
		t.Fatalf("pruned %v: %v", removed, err)
	}
	for _, sum := range after.Packs {
		if _, err := os.Stat(filepath.Join(dir, "pool", "sha256", sum[:2], sum)); err != nil {
			t.Fatalf("pack %s of the kept backup left the pool: %v", sum, err)
		}
	}
	info, _, err = backup.Verify(t.Context(), bak, nil)
	if err != nil {
		t.Fatalf("the kept backup after pruning: %v", err)
	}
	if err := backup.PrepareRestore(bak, filepath.Join(t.TempDir(), "again"), false, info); err != nil {
		t.Fatal(err)
	}
}

// A backup's database.json that does not describe its file (a page
// outside its pack, a page map short of the file, a pack name that is no
// SHA-256) fails verify with the reason, before any page is read.
func TestVerifyRefusesABadDatabaseRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	s := apitest.Empty(t, map[string]string{"TWINCMS_BACKUP_TARGET": dir})
	seedBackupDocs(t, s, 0, 20, 1<<10)
	_, b, err := s.CMS.Backups.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	bak := filepath.Join(dir, b.ID)
	good := databaseOf(t, dir, b.ID)
	for name, spoil := range map[string]func(*backup.DatabaseFile){
		"page outside its pack": func(f *backup.DatabaseFile) { f.Pages[len(f.Pages)-1][1] = f.PackSizes[0] },
		"page map short":        func(f *backup.DatabaseFile) { f.Pages, f.PageSums = f.Pages[1:], f.PageSums[1:] },
		"bad pack name":         func(f *backup.DatabaseFile) { f.Packs[0] = "../../etc/passwd" },
		"another page sum":      func(f *backup.DatabaseFile) { f.PageSums[0] = strings.Repeat("0", 64) },
	} {
		t.Run(name, func(t *testing.T) {
			f := good
			f.Pages, f.PageSums, f.Packs = slices.Clone(good.Pages), slices.Clone(good.PageSums), slices.Clone(good.Packs)
			spoil(&f)
			raw, err := json.Marshal([]backup.DatabaseFile{f})
			if err != nil {
				t.Fatal(err)
			}
			copyDir := filepath.Join(t.TempDir(), b.ID)
			if out, err := exec.Command("cp", "-r", bak, copyDir).CombinedOutput(); err != nil {
				t.Fatalf("cp: %v %s", err, out)
			}
			if err := os.WriteFile(filepath.Join(copyDir, "database.json"), raw, 0o600); err != nil {
				t.Fatal(err)
			}
			// The tag manifest still names the old database.json: verify
			// must refuse either way; with the manifest rewritten it is the
			// record's own check that refuses.
			if _, _, err := backup.Verify(t.Context(), copyDir, nil); err == nil {
				t.Fatal("verify accepted a spoiled database.json")
			}
			sum := sha256.Sum256(raw)
			fixTagManifest(t, copyDir, "database.json", hex.EncodeToString(sum[:]))
			if _, _, err := backup.Verify(t.Context(), copyDir, nil); err == nil || !strings.Contains(err.Error(), "database") {
				t.Fatalf("verify of a spoiled database.json with a matching tag manifest: %v", err)
			}
		})
	}
}

// fixTagManifest sets name's SHA-256 in the bag's tagmanifest-sha256.txt.
func fixTagManifest(t *testing.T, dir, name, sum string) {
	t.Helper()
	p := filepath.Join(dir, "tagmanifest-sha256.txt")
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	found := false
	for i, l := range lines {
		if strings.HasSuffix(l, " "+name) {
			lines[i], found = sum+"  "+name, true
		}
	}
	if !found {
		t.Fatalf("%s is not in the tag manifest", name)
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// databaseOf reads a backup's database.json: its one database file.
func databaseOf(t *testing.T, dir, id string) backup.DatabaseFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, id, "database.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dbs []backup.DatabaseFile
	if err := json.Unmarshal(raw, &dbs); err != nil || len(dbs) != 1 {
		t.Fatalf("database.json: %v, %d files", err, len(dbs))
	}
	return dbs[0]
}
