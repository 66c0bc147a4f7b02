package backup

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/jesenice/twincms/internal/bagit"
	"github.com/jesenice/twincms/models"
)

// ErrNotEmpty refuses a restore into a data directory that holds data.
var ErrNotEmpty = errors.New("backup: the data directory is not empty")

// Open makes the backup named by spec readable as a local directory: a
// backup directory as it is, or s3://host:port/bucket[/prefix]/ID fetched
// (its bag files and, from the pool, its objects) into a temporary
// directory that done removes.
func Open(ctx context.Context, spec string, keys S3Keys) (dir string, done func(), err error) {
	if !strings.HasPrefix(spec, "s3://") {
		abs, err := filepath.Abs(spec)
		if err != nil {
			return "", nil, err
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			return "", nil, fmt.Errorf("backup: %s is not a backup directory", spec)
		}
		return abs, func() {}, nil
	}
	base, id := path.Split(strings.TrimRight(spec, "/"))
	if !idPattern.MatchString(id) {
		return "", nil, fmt.Errorf("backup: %s does not end in a backup id", spec)
	}
	t, err := OpenTarget(strings.TrimRight(base, "/"), keys)
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "twincms-restore-")
	if err != nil {
		return "", nil, err
	}
	done = func() { _ = os.RemoveAll(tmp) }
	if err := fetch(ctx, t, id, tmp); err != nil {
		done()
		return "", nil, err
	}
	return tmp, done, nil
}

// fetch copies backup id of t into dir: its files, then every object of
// objects.jsonl from the pool.
func fetch(ctx context.Context, t Target, id, dir string) error {
	files, err := t.Files(ctx, id)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("backup: %s/%s: no such backup", t, id)
	}
	for _, f := range files {
		if err := download(ctx, t, join(id, f), filepath.Join(dir, filepath.FromSlash(f))); err != nil {
			return err
		}
	}
	objs, err := readObjects(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // an incomplete backup: verify names what it lacks
	} else if err != nil {
		return err
	}
	for _, o := range objs {
		dst := filepath.Join(dir, filepath.FromSlash(join(objectsDir, o.Key)))
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		if err := download(ctx, t, poolPath(o.SHA256), dst); err != nil {
			return err
		}
	}
	dbs, err := readDatabases(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // format 1, or incomplete
	} else if err != nil {
		return err
	}
	for _, db := range dbs {
		for _, sum := range db.Packs {
			dst := filepath.Join(dir, filepath.FromSlash(packPath(sum)))
			if _, err := os.Stat(dst); err == nil {
				continue
			}
			if err := download(ctx, t, poolPath(sum), dst); err != nil {
				return err
			}
		}
	}
	return nil
}

func download(ctx context.Context, t Target, src, dst string) error {
	if !fs.ValidPath(filepath.ToSlash(src)) {
		return fmt.Errorf("backup: %q is not a path in a backup", src)
	}
	rc, err := t.Open(ctx, src)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, ctxReader{ctx, rc}); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// readObjects reads objects.jsonl of the backup in dir.
func readObjects(dir string) ([]Object, error) {
	f, err := os.Open(filepath.Join(dir, objectsTag))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Object
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var o Object
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			return nil, fmt.Errorf("backup: %s: %w", objectsTag, err)
		}
		if !fs.ValidPath(o.Key) || len(o.SHA256) != 64 {
			return nil, fmt.Errorf("backup: %s: bad line for %q", objectsTag, o.Key)
		}
		out = append(out, o)
	}
	return out, sc.Err()
}

// Verify checks the backup in dir completely without restoring it: the
// bag (every file's SHA-256, Payload-Oxum, the tag manifest), its format,
// and that objects.jsonl and the bag agree. hashed, when set, is told the
// bytes of each file hashed.
func Verify(ctx context.Context, dir string, hashed func(n int64)) (Info, []Object, error) {
	var info Info
	files, err := bagit.Verify(ctx, os.DirFS(dir), bagit.Options{Hashed: hashed})
	if err != nil {
		return info, nil, fmt.Errorf("backup: %s is not a complete, intact backup: %w", dir, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, infoTag))
	if err != nil {
		return info, nil, fmt.Errorf("backup: %s has no %s: not a twincms backup", dir, infoTag)
	}
	if err := json.Unmarshal(raw, &info); err != nil || info.Format != Format && info.Format != format1 {
		return info, nil, fmt.Errorf("backup: %s: %s is not of format %s", dir, infoTag, Format)
	}
	objs, err := readObjects(dir)
	if err != nil {
		return info, nil, err
	}
	sums := map[string]string{}
	for _, f := range files {
		sums[f.Path] = f.SHA256
	}
	for _, o := range objs {
		if sums[join(objectsDir, o.Key)] != o.SHA256 {
			return info, nil, fmt.Errorf("backup: %s: object %s is not in the bag with SHA-256 %s", dir, o.Key, o.SHA256)
		}
	}
	if info.Format == format1 {
		for _, db := range info.Databases {
			if sums[join(databaseDir, db)] == "" {
				return info, nil, fmt.Errorf("backup: %s: database %s is missing", dir, db)
			}
		}
		return info, objs, nil
	}
	dbs, err := readDatabases(dir)
	if err != nil {
		return info, nil, err
	}
	if err := checkDatabases(dir, info, dbs, sums); err != nil {
		return info, nil, err
	}
	return info, objs, nil
}

// PrepareRestore puts the database files of the backup in dir, verified
// by Verify, into dataDir/db, which must hold no data (force: what is
// there is removed first). Its objects go into the object store with
// PutObjects once twincms is open on dataDir.
func PrepareRestore(dir, dataDir string, force bool, info Info) error {
	entries, err := os.ReadDir(dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if e.Name() == ".lock" {
			continue
		}
		if !force {
			return fmt.Errorf("%w: %s holds %s (restore only into an empty one, or pass --force to replace it)", ErrNotEmpty, dataDir, e.Name())
		}
		if err := os.RemoveAll(filepath.Join(dataDir, e.Name())); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dataDir, RestoreMarker), []byte("restore of backup "+info.ID+" not finished\n"), 0o600); err != nil {
		return err
	}
	if info.Format == format1 {
		for _, db := range info.Databases {
			if err := copyLocal(filepath.Join(dir, databaseDir, db), filepath.Join(dataDir, "db", db)); err != nil {
				return err
			}
		}
		return nil
	}
	dbs, err := readDatabases(dir)
	if err != nil {
		return err
	}
	for _, db := range dbs {
		if err := restoreDatabase(dir, db, filepath.Join(dataDir, "db", db.Name)); err != nil {
			return err
		}
	}
	return nil
}

// RestoreMarker marks a data dir a restore is writing: twincms refuses
// to serve it until the restore finished (FinishRestore removes it).
const RestoreMarker = ".restore-incomplete"

// FinishRestore clears the mark of a restore that put everything in place.
func FinishRestore(dataDir string) error { return os.Remove(filepath.Join(dataDir, RestoreMarker)) }

// ObjectWriter is the object store a restore writes into.
type ObjectWriter interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
}

// PutObjects stores every object of a verified backup in dir into w.
func PutObjects(ctx context.Context, dir string, objs []Object, w ObjectWriter, p *Progress) error {
	if p == nil {
		p = &Progress{}
	}
	p.start("objects")
	var total int64
	for _, o := range objs {
		total += o.Size
	}
	p.setTotal(total, len(objs))
	for _, o := range objs {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(join(objectsDir, o.Key))))
		if err != nil {
			return err
		}
		_, err = w.Put(ctx, o.Key, &countingReader{r: f, p: p}, o.Size, o.ContentType, o.Metadata)
		_ = f.Close()
		if err != nil {
			return fmt.Errorf("restore: object %s: %w", o.Key, err)
		}
		p.fileDone(true, 0)
	}
	p.phase("done")
	return nil
}

func copyLocal(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}
