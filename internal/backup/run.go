package backup

import (
	"bufio"
	"bytes"
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
	"regexp"
	"sync"
	"time"

	"github.com/jesenice/twincms/internal/bagit"
	"github.com/jesenice/twincms/models"
)

// The names of a backup's parts in its target and bag.
const (
	// Format is twincms-backup.json's format; restore refuses others.
	Format = "twincms-backup/2"
	// format1 is a backup whose database files are whole in the bag
	// (before database.json's pages and packs); verify and restore still
	// read it.
	format1       = "twincms-backup/1"
	partialSuffix = ".partial"
	poolDir       = "pool/sha256"
	// poolTmp is where backups before 2026-12-07 staged objects; Prune
	// still clears it. Objects are now staged beside it, as
	// "pool/tmp-…" (see stage).
	poolTmp       = "pool/tmp"
	poolTmpPrefix = "tmp-"
	infoTag       = "twincms-backup.json"
	objectsTag    = "objects.jsonl"
	databaseDir   = "data/database"
	objectsDir    = "data/objects"
)

// idPattern is a backup's id: its start, UTC, to the second, and a
// counter when two start within one second.
var idPattern = regexp.MustCompile(`^\d{8}T\d{6}Z(-\d+)?$`)

// Objects is the bucket a backup reads.
type Objects interface {
	List(ctx context.Context, prefix string, fn func(models.ObjectInfo) error) error
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
}

// Source is what a backup copies and what it records of it.
type Source struct {
	// DBDir holds the embedded FerretDB's SQLite files.
	DBDir   string
	Objects Objects
	// Version is twincms's version, recorded in the manifest.
	Version string
	// MigrationLevel names the schema level of the database, recorded in
	// the manifest (nil: "none").
	MigrationLevel func(ctx context.Context) (string, error)
	// Hold, when set, keeps purges from removing objects until the
	// returned release is called.
	Hold         func() (release func())
	Organization string
	// RateLimit bounds the bytes read a second (0: none).
	RateLimit int64
	// Nice is the scheduling priority (0..19) of the threads copying the
	// objects (see lowerPriority).
	Nice int
	// ObjectDir, when set, is the embedded object store's bucket
	// directory: objects are read from their files there (versitygw keeps
	// an object as a file named by its key, its content type in an
	// extended attribute) rather than through the S3 API.
	ObjectDir string
	// Served, when set, counts the requests the service has answered: the
	// copying yields to them (see pacer), taking at most BusyShare of one
	// core while the service is busy (0 or 1: it never yields).
	Served    func() uint64
	BusyShare float64
}

// Info is twincms-backup.json: what a backup holds.
type Info struct {
	Format         string    `json:"format"`
	ID             string    `json:"id"`
	Version        string    `json:"twincms_version"`
	MigrationLevel string    `json:"migration_level"`
	StartedAt      time.Time `json:"started_at"`
	SnapshotAt     time.Time `json:"database_snapshot_at"`
	FinishedAt     time.Time `json:"finished_at"`
	Databases      []string  `json:"databases"`
	// DatabaseFiles are the database files whole: what their pages
	// (database.json, in packs) reassemble into.
	DatabaseFiles []DatabaseFile `json:"database_files,omitempty"`
	Objects       int            `json:"objects"`
	// Bytes is the whole payload: the database files and the objects.
	Bytes     int64 `json:"bytes"`
	SentFiles int   `json:"sent_files"`
	SentBytes int64 `json:"sent_bytes"`
	// Took is how long each part took, in seconds (see phases).
	Took map[string]float64 `json:"took_seconds,omitempty"`
}

// Object is one line of objects.jsonl: an object of the bucket, where its
// bytes are in the target's pool and what restore gives it back.
type Object struct {
	Key         string            `json:"key"`
	Size        int64             `json:"size"`
	SHA256      string            `json:"sha256"`
	ETag        string            `json:"etag,omitempty"`
	ContentType string            `json:"content_type,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

func poolPath(sum string) string { return join(poolDir, sum[:2], sum) }

// Run makes one backup of src into t: the database first (one snapshot),
// then every object, then the tag files, bagit.txt last. p, when set,
// follows it. A backup that fails leaves its staging directory behind,
// which is no bag (verify and restore refuse it).
func Run(ctx context.Context, src Source, t Target, p *Progress) (Info, error) {
	if p == nil {
		p = &Progress{}
	}
	p.limit = newLimiter(src.RateLimit)
	info := Info{Format: Format, Version: src.Version, StartedAt: time.Now().UTC().Truncate(time.Millisecond)}
	took := &phases{last: time.Now()}
	if src.Hold != nil {
		defer src.Hold()()
	}
	id, err := newID(ctx, t, info.StartedAt)
	if err != nil {
		return info, err
	}
	info.ID = id
	info.MigrationLevel = "none"
	if src.MigrationLevel != nil {
		if info.MigrationLevel, err = src.MigrationLevel(ctx); err != nil {
			return info, err
		}
	}
	tmp, err := os.MkdirTemp("", "twincms-backup-")
	if err != nil {
		return info, err
	}
	defer os.RemoveAll(tmp)
	// The previous backup's objects, read meanwhile (the target only; no
	// other backup runs into it now).
	prevCh := make(chan previousBackup, 1)
	go func() { prevCh <- readPrevious(ctx, t) }()
	// 1. The database, in one read transaction.
	p.start("database")
	if info.Databases, err = snapshotDatabases(ctx, src.DBDir, tmp); err != nil {
		return info, err
	}
	info.SnapshotAt = time.Now().UTC()
	took.done("database_snapshot")
	// 2. The objects, listed after the snapshot: every object it names.
	objects := objectReader{src.Objects, src.ObjectDir}
	var objs []models.ObjectInfo
	if err := objects.List(ctx, "", func(o models.ObjectInfo) error { objs = append(objs, o); return nil }); err != nil {
		return info, fmt.Errorf("backup: listing objects: %w", err)
	}
	took.done("listing")
	var total int64
	files := len(objs)
	for _, name := range info.Databases {
		st, err := os.Stat(filepath.Join(tmp, name))
		if err != nil {
			return info, err
		}
		total += st.Size()
		files++
	}
	for _, o := range objs {
		total += o.Size
	}
	p.setTotal(total, files)
	staging := t.Staging(id)
	prev := <-prevCh
	took.done("previous_manifest")
	// The database's pages go into the target while the objects are copied.
	var payload []bagit.File
	var dbs []DatabaseFile
	dbDone := make(chan error, 1)
	go func() {
		start := time.Now()
		for _, name := range info.Databases {
			rec, bf, err := putDatabase(ctx, t, staging, tmp, name, filepath.Join(tmp, name), prev.databases[name], p)
			if err != nil {
				dbDone <- fmt.Errorf("backup: writing the database: %w", err)
				return
			}
			dbs, payload = append(dbs, rec), append(payload, bf...)
			info.DatabaseFiles = append(info.DatabaseFiles, rec.summary())
		}
		took.add("database_into_target", time.Since(start))
		dbDone <- nil
	}()
	p.phase("objects")
	pace := newPacer(ctx, src.Served, src.BusyShare)
	defer pace.stop()
	entries, err := copyObjects(ctx, objects, t, objs, prev, staging, p, src.Nice, pace)
	if dbErr := <-dbDone; dbErr != nil {
		return info, dbErr
	}
	if err != nil {
		return info, err
	}
	took.done("objects")
	for _, db := range dbs {
		info.Bytes += db.Size
	}
	var lines bytes.Buffer
	enc := json.NewEncoder(&lines)
	for _, e := range entries {
		payload = append(payload, bagit.File{Path: join(objectsDir, e.Key), Size: e.Size, SHA256: e.SHA256})
		if err := enc.Encode(e); err != nil {
			return info, err
		}
		info.Objects++
		info.Bytes += e.Size
	}
	dbRaw, err := json.Marshal(dbs)
	if err != nil {
		return info, err
	}
	// 3. The tag files, bagit.txt last.
	p.phase("manifest")
	snap := p.Snapshot()
	info.SentFiles, info.SentBytes = snap.FilesSent, snap.BytesSent
	info.FinishedAt = time.Now().UTC()
	info.Took = took.seconds()
	raw, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return info, err
	}
	tags, err := bagit.TagFiles(bagit.Info{SourceOrganization: src.Organization, ExternalIdentifier: "twincms-backup-" + id,
		ExternalDescription: "twincms backup: database snapshot and objects", BagSoftwareAgent: "twincms " + src.Version},
		payload, []bagit.Tag{{Name: infoTag, Body: raw}, {Name: objectsTag, Body: lines.Bytes()}, {Name: databaseTag, Body: dbRaw}})
	if err != nil {
		return info, err
	}
	for _, tag := range append(tags[1:], tags[0]) { // tags[0] is bagit.txt
		if err := t.Put(ctx, join(staging, tag.Name), bytes.NewReader(tag.Body), int64(len(tag.Body))); err != nil {
			return info, fmt.Errorf("backup: writing %s: %w", tag.Name, err)
		}
	}
	took.done("manifest")
	if err := t.Finish(ctx, staging, id); err != nil {
		return info, err
	}
	took.done("sync")
	info.Took = took.seconds()
	p.phase("done")
	return info, nil
}

// newID names a backup started at: its time, and a counter when a backup
// of that second exists.
func newID(ctx context.Context, t Target, at time.Time) (string, error) {
	base := at.Format("20060102T150405Z")
	for i := 1; i < 100; i++ {
		id := base
		if i > 1 {
			id = fmt.Sprintf("%s-%d", base, i)
		}
		a, err := t.Exists(ctx, join(id, bagit.DeclarationFile))
		if err != nil {
			return "", fmt.Errorf("backup: target %s: %w", t, err)
		}
		b, _ := t.Exists(ctx, join(t.Staging(id), objectsTag))
		if !a && !b {
			return id, nil
		}
	}
	return "", errors.New("backup: too many backups in one second")
}

// putFile sends the local file src to p in t, hashing it on the way.
func putFile(ctx context.Context, t Target, dst, src string, p *Progress) (bagit.File, error) {
	f, err := os.Open(src)
	if err != nil {
		return bagit.File{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return bagit.File{}, err
	}
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(f, h), p: p}
	if err := t.Put(ctx, dst, cr, st.Size()); err != nil {
		return bagit.File{}, err
	}
	p.fileDone(true, 0)
	return bagit.File{Size: cr.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyWorkers is how many objects are copied at once: reading from the
// store and writing to the target overlap.
const copyWorkers = 4

// copyObjects copies objs into the target's pool and links each into the
// bag under staging, a few at a time, yielding to requests (pace); the
// entries come back in objs' order.
func copyObjects(ctx context.Context, src Objects, t Target, objs []models.ObjectInfo, prev previousBackup, staging string, p *Progress, nice int, pace *pacer) ([]Object, error) {
	out := make([]Object, len(objs))
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range copyWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if pace != nil {
				lockThread() // the pacer reads this thread's CPU time
			}
			lowerPriority(nice)
			for i := range next {
				o := objs[i]
				var e Object
				err := pace.copy(ctx, func() (err error) {
					e, err = copyObject(ctx, src, t, o, prev.objects[o.Key], prev.pool, join(staging, objectsDir, o.Key), p)
					return err
				})
				if err != nil {
					cancel(fmt.Errorf("backup: object %s: %w", o.Key, err))
					continue
				}
				out[i] = e
			}
		}()
	}
	// The new and changed objects first: an unchanged one may wait for
	// the pool's listing (see poolSet), which goes on meanwhile.
	order := make([]int, 0, len(objs))
	for i, o := range objs {
		if !unchanged(prev.objects[o.Key], o) {
			order = append(order, i)
		}
	}
	for i, o := range objs {
		if unchanged(prev.objects[o.Key], o) {
			order = append(order, i)
		}
	}
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// copyObject puts object o into the target's pool, unless the previous
// backup holds the same key, size and ETag and its pool copy is there
// (in pool when the target's pool was listed, else asked), and names it
// at dst in the bag.
func copyObject(ctx context.Context, objs Objects, t Target, o models.ObjectInfo, prev Object, listed *poolSet, dst string, p *Progress) (Object, error) {
	if unchanged(prev, o) {
		// A directory target links the pool's copy at once (one system
		// call, where a check first was two); a missing copy is sent again.
		linked, err := t.Link(ctx, poolPath(prev.SHA256), dst)
		if linked && err == nil {
			p.fileDone(false, o.Size)
			return prev, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Object{}, err
		}
		pool := listed.wait(ctx)
		if !linked && pool != nil && pool[prev.SHA256] {
			p.fileDone(false, o.Size)
			return prev, nil
		}
		if !linked && pool == nil {
			if ok, err := t.Exists(ctx, poolPath(prev.SHA256)); err != nil {
				return Object{}, err
			} else if ok {
				p.fileDone(false, o.Size)
				return prev, nil
			}
		}
	}
	e, err := sendObject(ctx, objs, t, o, p)
	if err == nil {
		_, err = t.Link(ctx, poolPath(e.SHA256), dst)
	}
	return e, err
}

// unchanged reports whether the previous backup's entry prev holds o as
// it is now: the same size and ETag under its key.
func unchanged(prev Object, o models.ObjectInfo) bool {
	return prev.SHA256 != "" && prev.ETag != "" && prev.ETag == o.ETag && prev.Size == o.Size
}

// sendObject reads object o and puts it into the target's pool under its
// SHA-256 unless those bytes are there.
func sendObject(ctx context.Context, objs Objects, t Target, o models.ObjectInfo, p *Progress) (Object, error) {
	rc, full, err := objs.Get(ctx, o.Key)
	if err != nil {
		return Object{}, err
	}
	defer rc.Close()
	// The size and ETag of the object read (the listing's when the store
	// does not say): what the entry records describes the bytes copied.
	size, etag := o.Size, o.ETag
	if full.ETag != "" {
		size, etag = full.Size, full.ETag
	}
	if w, ok := sendsSmall(t, size); ok {
		return sendSmall(ctx, w, rc, o.Key, size, etag, full, p)
	}
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(rc, h), p: p}
	st, err := stage(ctx, t, o.Key, cr, size)
	if err != nil {
		return Object{}, err
	}
	if cr.n != size {
		st.discard()
		return Object{}, fmt.Errorf("read %d bytes of %d", cr.n, size)
	}
	e := Object{Key: o.Key, Size: cr.n, SHA256: hex.EncodeToString(h.Sum(nil)), ETag: etag,
		ContentType: full.ContentType, Metadata: full.Metadata}
	if ok, err := t.Exists(ctx, poolPath(e.SHA256)); err != nil {
		st.discard()
		return Object{}, err
	} else if ok {
		st.discard() // the same bytes under another key
		p.fileDone(false, 0)
		return e, nil
	}
	if err := st.name(ctx, poolPath(e.SHA256)); err != nil {
		return Object{}, err
	}
	p.fileDone(true, 0)
	return e, nil
}

// previousBackup is what a backup reuses of the newest complete backup in
// its target: its objects by key and its database files by name; and,
// from a target whose pool is listed (see poolLister), the SHA-256 names
// in its pool.
type previousBackup struct {
	objects   map[string]Object
	databases map[string]*DatabaseFile
	pool      *poolSet // nil: not listed; ask the target
}

// poolSet is the SHA-256 sums in a target's pool, listed in the
// background: the new objects are copied meanwhile, and only an
// unchanged object waits for the listing.
type poolSet struct {
	done chan struct{}
	sums map[string]bool // nil: the listing failed; ask the target
}

// wait returns the sums once listed (nil: not listed, or ctx is done).
func (p *poolSet) wait(ctx context.Context) map[string]bool {
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return p.sums
	case <-ctx.Done():
		return nil
	}
}

// poolLister is a target whose pool is cheaper to list once than to ask
// about object by object: an S3 target answered 10,000 HEAD requests in
// 1.3 s of a 1.5 s incremental backup, where one listing takes a tenth
// of that. (A directory target links each unchanged object instead, one
// system call that fails when the pool's copy is missing.)
type poolLister interface {
	// listPool names the SHA-256 sums in the pool.
	listPool(ctx context.Context) (map[string]bool, error)
}

// readPrevious reads objects.jsonl and database.json of the newest
// complete backup in t (none: empty maps, and everything is sent).
func readPrevious(ctx context.Context, t Target) previousBackup {
	out := previousBackup{objects: map[string]Object{}, databases: map[string]*DatabaseFile{}}
	ids, err := Backups(ctx, t)
	if err != nil || len(ids) == 0 {
		return out
	}
	last := ids[len(ids)-1]
	out.databases = previousDatabases(ctx, t, last)
	if l, ok := t.(poolLister); ok {
		// Listed while the new objects are copied: nothing leaves the pool
		// while a backup runs (Prune runs only between backups).
		ps := &poolSet{done: make(chan struct{})}
		out.pool = ps
		go func() {
			defer close(ps.done)
			if sums, err := l.listPool(ctx); err == nil {
				ps.sums = sums
			}
		}()
	}
	rc, err := t.Open(ctx, join(last, objectsTag))
	if err != nil {
		return out
	}
	defer rc.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(rc, 1<<20))
	for {
		var e Object
		if err := dec.Decode(&e); err != nil {
			return out
		}
		out.objects[e.Key] = e
	}
}

// Backups names the complete backups in t (those with a bagit.txt),
// oldest first.
func Backups(ctx context.Context, t Target) ([]string, error) {
	names, err := t.List(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if !idPattern.MatchString(n) {
			continue
		}
		if ok, err := t.Exists(ctx, join(n, bagit.DeclarationFile)); err != nil {
			return nil, err
		} else if ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// countingReader tells the progress of every byte read.
type countingReader struct {
	r io.Reader
	n int64
	p *Progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.p.sent(int64(n))
	if c.p.limit != nil {
		c.p.limit.wait(n)
	}
	return n, err
}

// limiter keeps reads to a rate: it sleeps while more bytes were read
// than the rate allows for the time passed.
type limiter struct {
	mu    sync.Mutex
	rate  float64
	start time.Time
	n     int64
}

func newLimiter(rate int64) *limiter {
	if rate <= 0 {
		return nil
	}
	return &limiter{rate: float64(rate), start: time.Now()}
}

func (l *limiter) wait(n int) {
	l.mu.Lock()
	l.n += int64(n)
	due := l.start.Add(time.Duration(float64(l.n) / l.rate * float64(time.Second)))
	l.mu.Unlock()
	if d := time.Until(due); d > 0 {
		time.Sleep(d)
	}
}
