package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jesenice/twincms/internal/bagit"
)

// The database snapshot is kept page by page. SQLite's online backup API
// copies the database a page at a time, so a page keeps its offset from
// one snapshot to the next, and a few new documents change pages spread
// over the whole file (each index gets its entry in a leaf somewhere):
// 5 documents changed 61 of 1,256 pages, in 17 of 20 chunks of 256 KiB.
// So the unit of change is SQLite's page, 4 KiB: a backup writes the
// pages that differ from the previous backup's into one pack file, and
// database.json maps every page of the file to the pack (this backup's or
// an earlier one's, all kept once in the pool by their SHA-256) and the
// offset holding it, with each page's SHA-256. When the packs a backup
// would name hold more than twice the database's size, or more than
// maxPacks of them, the backup writes every page into a new pack.
const (
	dbUnit      = 4096
	databaseTag = "database.json"
	packsDir    = "data/database/packs"
	maxPacks    = 16
)

// DatabaseFile is one database file of a backup: its size and SHA-256
// whole, and where each of its pages is (see above).
type DatabaseFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Packs are the pack files by SHA-256, PackSizes their sizes.
	Packs     []string `json:"packs,omitempty"`
	PackSizes []int64  `json:"pack_sizes,omitempty"`
	// Pages[i] is page i's pack (an index into Packs) and offset in it;
	// PageSums[i] its SHA-256.
	Pages    [][2]int64 `json:"pages,omitempty"`
	PageSums []string   `json:"page_sums,omitempty"`
}

// summary is f without its page map (twincms-backup.json's record).
func (f DatabaseFile) summary() DatabaseFile {
	return DatabaseFile{Name: f.Name, Size: f.Size, SHA256: f.SHA256}
}

func packPath(sum string) string { return join(packsDir, sum) }

// pageSize is the size of page i of a file of size bytes.
func pageSize(i int, size int64) int64 { return min(dbUnit, size-int64(i)*dbUnit) }

// putDatabase puts the snapshot file src (named name) into the target:
// its pages that prev (the previous backup's record of the file, if any)
// lacks go into a new pack, written into the pool; every pack the file
// names is linked into the bag under staging. It returns the file's
// record and the bag's pack files.
func putDatabase(ctx context.Context, t Target, staging, tmp, name, src string, prev *DatabaseFile, p *Progress) (DatabaseFile, []bagit.File, error) {
	rec, newPages, err := mapPages(src, name, prev)
	if err != nil {
		return rec, nil, err
	}
	if prev != nil && !worthReusing(rec, newPages) {
		if rec, newPages, err = mapPages(src, name, nil); err != nil {
			return rec, nil, err
		}
	}
	// The packs of the previous backup are named, not written again:
	// each must be in the target's pool (else every page is written).
	for _, sum := range rec.Packs {
		if ok, err := t.Exists(ctx, poolPath(sum)); err != nil {
			return rec, nil, err
		} else if !ok {
			if rec, newPages, err = mapPages(src, name, nil); err != nil {
				return rec, nil, err
			}
			break
		}
	}
	var packSize int64
	var sent bool
	if len(newPages) > 0 {
		sum, size, wrote, err := writePack(ctx, t, tmp, src, rec, newPages, p)
		if err != nil {
			return rec, nil, err
		}
		idx := int64(len(rec.Packs))
		rec.Packs, rec.PackSizes = append(rec.Packs, sum), append(rec.PackSizes, size)
		var at int64
		for _, i := range newPages {
			rec.Pages[i] = [2]int64{idx, at}
			at += pageSize(i, rec.Size)
		}
		if wrote {
			packSize, sent = size, true
		}
	}
	rec = dropUnused(rec)
	var files []bagit.File
	for i, sum := range rec.Packs {
		if _, err := t.Link(ctx, poolPath(sum), join(staging, packPath(sum))); err != nil {
			return rec, nil, err
		}
		files = append(files, bagit.File{Path: packPath(sum), Size: rec.PackSizes[i], SHA256: sum})
	}
	p.fileDone(sent, rec.Size-packSize) // the pages not written count as done
	return rec, files, nil
}

// mapPages reads src page by page: its size, SHA-256 and page sums, each
// page found in prev mapped where prev has it (packs numbered as prev's),
// the others returned as new.
func mapPages(src, name string, prev *DatabaseFile) (DatabaseFile, []int, error) {
	rec := DatabaseFile{Name: name}
	f, err := os.Open(src)
	if err != nil {
		return rec, nil, err
	}
	defer f.Close()
	if prev != nil {
		rec.Packs, rec.PackSizes = prev.Packs, prev.PackSizes
	}
	all := sha256.New()
	r := bufio.NewReaderSize(f, 1<<20)
	buf := make([]byte, dbUnit)
	var newPages []int
	for i := 0; ; i++ {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			all.Write(buf[:n])
			s := sha256.Sum256(buf[:n])
			sum := hex.EncodeToString(s[:])
			rec.Size += int64(n)
			rec.PageSums = append(rec.PageSums, sum)
			if prev != nil && i < len(prev.PageSums) && prev.PageSums[i] == sum && pageSize(i, prev.Size) == int64(n) {
				rec.Pages = append(rec.Pages, prev.Pages[i])
			} else {
				rec.Pages = append(rec.Pages, [2]int64{-1, 0})
				newPages = append(newPages, i)
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return rec, nil, err
		}
	}
	rec.SHA256 = hex.EncodeToString(all.Sum(nil))
	return rec, newPages, nil
}

// worthReusing reports whether rec, mapped onto the previous backup's
// packs, names few enough packs holding little enough besides its pages.
func worthReusing(rec DatabaseFile, newPages []int) bool {
	used := map[int64]bool{}
	for _, pg := range rec.Pages {
		if pg[0] >= 0 {
			used[pg[0]] = true
		}
	}
	var named int64
	for i := range used {
		named += rec.PackSizes[i]
	}
	return len(used) < maxPacks && named+int64(len(newPages))*dbUnit <= 2*rec.Size
}

// dropUnused renumbers rec's packs to those its pages name.
func dropUnused(rec DatabaseFile) DatabaseFile {
	renum := map[int64]int64{}
	var packs []string
	var sizes []int64
	for i, pg := range rec.Pages {
		n, ok := renum[pg[0]]
		if !ok {
			n = int64(len(packs))
			renum[pg[0]] = n
			packs, sizes = append(packs, rec.Packs[pg[0]]), append(sizes, rec.PackSizes[pg[0]])
		}
		rec.Pages[i][0] = n
	}
	rec.Packs, rec.PackSizes = packs, sizes
	return rec
}

// writePack writes the pages newPages of src, in order, into a pack file
// (under tmp, then into the pool unless those bytes are there) and
// returns its SHA-256 and size.
func writePack(ctx context.Context, t Target, tmp, src string, rec DatabaseFile, newPages []int, p *Progress) (sum string, size int64, wrote bool, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, false, err
	}
	defer in.Close()
	out, err := os.CreateTemp(tmp, "pack-*")
	if err != nil {
		return "", 0, false, err
	}
	defer out.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(out, h), 1<<20)
	buf := make([]byte, dbUnit)
	for _, i := range newPages {
		n := pageSize(i, rec.Size)
		if _, err := in.ReadAt(buf[:n], int64(i)*dbUnit); err != nil {
			return "", 0, false, err
		}
		if _, err := w.Write(buf[:n]); err != nil {
			return "", 0, false, err
		}
		size += n
	}
	if err := w.Flush(); err != nil {
		return "", 0, false, err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if ok, err := t.Exists(ctx, poolPath(sum)); err != nil || ok {
		return sum, size, false, err
	}
	if _, err := out.Seek(0, io.SeekStart); err != nil {
		return "", 0, false, err
	}
	cr := &countingReader{r: out, p: p}
	if err := t.Put(ctx, poolPath(sum), cr, size); err != nil {
		return "", 0, false, err
	}
	return sum, size, true, nil
}

// readDatabases reads database.json of the backup in dir (fs.ErrNotExist:
// a backup of format 1, its database files whole).
func readDatabases(dir string) ([]DatabaseFile, error) {
	raw, err := os.ReadFile(filepath.Join(dir, databaseTag))
	if err != nil {
		return nil, err
	}
	var out []DatabaseFile
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("backup: %s: %w", databaseTag, err)
	}
	for _, f := range out {
		if err := f.check(); err != nil {
			return nil, fmt.Errorf("backup: %s: %s: %w", databaseTag, f.Name, err)
		}
	}
	return out, nil
}

// check refuses a record that cannot describe a file: names, sizes,
// page map and sums out of step.
func (f DatabaseFile) check() error {
	switch {
	case f.Name == "" || strings.ContainsAny(f.Name, `/\`) || !fs.ValidPath(f.Name):
		return errors.New("bad file name")
	case len(f.SHA256) != 64 || f.Size < 0 || len(f.Packs) != len(f.PackSizes):
		return errors.New("bad size, SHA-256 or packs")
	case int64(len(f.Pages)) != (f.Size+dbUnit-1)/dbUnit || len(f.PageSums) != len(f.Pages):
		return errors.New("the page map does not cover the file")
	}
	for _, s := range f.Packs {
		if len(s) != 64 || strings.Trim(s, "0123456789abcdef") != "" {
			return errors.New("bad pack name")
		}
	}
	for i, pg := range f.Pages {
		if pg[0] < 0 || pg[0] >= int64(len(f.Packs)) || pg[1] < 0 || pg[1]+pageSize(i, f.Size) > f.PackSizes[pg[0]] {
			return fmt.Errorf("page %d is outside its pack", i)
		}
	}
	return nil
}

// checkDatabases checks the database files of the backup in dir: the
// record matches twincms-backup.json, every pack is in the bag with its
// SHA-256 (sums, from the bag's verified manifest), and the pages
// reassemble, each with its SHA-256, into the file's size and SHA-256.
func checkDatabases(dir string, info Info, dbs []DatabaseFile, sums map[string]string) error {
	if len(dbs) != len(info.Databases) || len(info.DatabaseFiles) != len(info.Databases) {
		return fmt.Errorf("backup: %s: %s and %s name different database files", dir, infoTag, databaseTag)
	}
	for i, db := range dbs {
		if w := info.DatabaseFiles[i]; db.Name != w.Name || db.Size != w.Size || db.SHA256 != w.SHA256 || db.Name != info.Databases[i] {
			return fmt.Errorf("backup: %s: %s and %s describe database %s differently", dir, infoTag, databaseTag, db.Name)
		}
		for _, s := range db.Packs {
			if sums[packPath(s)] != s {
				return fmt.Errorf("backup: %s: database pack %s is not in the bag with its SHA-256", dir, packPath(s))
			}
		}
		if err := assemble(dir, db, io.Discard); err != nil {
			return err
		}
	}
	return nil
}

// assemble writes the database file db of the backup in dir into w, page
// by page from its packs, checking each page's SHA-256 and the whole
// file's.
func assemble(dir string, db DatabaseFile, w io.Writer) error {
	packs := make([]*os.File, len(db.Packs))
	defer func() {
		for _, f := range packs {
			if f != nil {
				_ = f.Close()
			}
		}
	}()
	for i, s := range db.Packs {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(packPath(s))))
		if err != nil {
			return fmt.Errorf("backup: %s: database %s: %w", dir, db.Name, err)
		}
		packs[i] = f
	}
	all := sha256.New()
	buf := make([]byte, dbUnit)
	for i, pg := range db.Pages {
		n := pageSize(i, db.Size)
		if _, err := packs[pg[0]].ReadAt(buf[:n], pg[1]); err != nil {
			return fmt.Errorf("backup: %s: database %s page %d: %w", dir, db.Name, i, err)
		}
		if s := sha256.Sum256(buf[:n]); hex.EncodeToString(s[:]) != db.PageSums[i] {
			return fmt.Errorf("backup: %s: database %s page %d: its SHA-256 is not the one recorded", dir, db.Name, i)
		}
		all.Write(buf[:n])
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
	}
	if hex.EncodeToString(all.Sum(nil)) != db.SHA256 {
		return fmt.Errorf("backup: %s: database %s reassembled is not the file backed up (another SHA-256)", dir, db.Name)
	}
	return nil
}

// restoreDatabase writes the database file db of the verified backup in
// dir to dst (a new file), synced.
func restoreDatabase(dir string, db DatabaseFile, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	err = assemble(dir, db, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

// previousDatabases reads database.json of backup id in t, by file name
// (none: an empty map, and every page is written).
func previousDatabases(ctx context.Context, t Target, id string) map[string]*DatabaseFile {
	out := map[string]*DatabaseFile{}
	if id == "" {
		return out
	}
	rc, err := t.Open(ctx, join(id, databaseTag))
	if err != nil {
		return out
	}
	defer rc.Close()
	var dbs []DatabaseFile
	if json.NewDecoder(rc).Decode(&dbs) != nil {
		return out
	}
	for i := range dbs {
		if dbs[i].check() == nil {
			out[dbs[i].Name] = &dbs[i]
		}
	}
	return out
}
