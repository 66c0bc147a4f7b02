package backup

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/models"
	"github.com/pkg/xattr"
)

// BenchmarkObjectsAgainstCp measures a backup of a bucket directory laid
// out as versitygw keeps it (TWINCMS_BENCH_OBJECTS files of
// TWINCMS_BENCH_OBJECT_KB KiB, 10,000 × 100 by default) and a small
// database against `cp -r` of the same directory, with and without the
// sync that both need before the copy is on disk, side by side in one run.
// No service runs beside it (internal/app's BenchmarkBackup measures the
// backup inside a serving twincms): what is measured is the backup's own
// work per file.
func BenchmarkObjectsAgainstCp(b *testing.B) {
	n := envInt("TWINCMS_BENCH_OBJECTS", 10000)
	kb := envInt("TWINCMS_BENCH_OBJECT_KB", 100)
	root := b.TempDir()
	bucket, dbDir := bucketFixture(b, root, n, kb<<10)
	syncAll(root)
	ctx := b.Context()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if out, err := exec.Command("cp", "-r", filepath.Join(root, "data"), filepath.Join(root, "cp"+strconv.Itoa(i))).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		cpTook := time.Since(start)
		syncAll(root)
		cpSyncTook := time.Since(start)
		t, err := OpenTarget(filepath.Join(root, "backups"+strconv.Itoa(i)), S3Keys{})
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		info, err := Run(ctx, Source{DBDir: dbDir, Objects: noS3{}, ObjectDir: bucket, Version: "bench"}, t, nil)
		took := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("cp -r %v (+ sync %v); backup %v, parts %v", cpTook.Round(time.Millisecond), cpSyncTook.Round(time.Millisecond), took.Round(time.Millisecond), info.Took)
		b.ReportMetric(cpTook.Seconds()/took.Seconds(), "backup-vs-cp")
		b.ReportMetric(cpSyncTook.Seconds()/took.Seconds(), "backup-vs-cp+sync")
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// noS3 is a bucket with no S3 API: every object must be read from its file.
type noS3 struct{}

func (noS3) List(context.Context, string, func(models.ObjectInfo) error) error {
	return errors.New("no S3 API in this benchmark")
}

func (noS3) Get(context.Context, string) (io.ReadCloser, models.ObjectInfo, error) {
	return nil, models.ObjectInfo{}, errors.New("no S3 API in this benchmark")
}

// bucketFixture lays out under root a data dir as the embedded store keeps
// it: a small SQLite database in data/db and n objects of size bytes
// (random) in the bucket directory data/objects/bucket, each a file named
// by its key ("originals/doc-000001") with versitygw's ETag and content
// type attributes.
func bucketFixture(tb testing.TB, root string, n, size int) (bucket, dbDir string) {
	tb.Helper()
	bucket = filepath.Join(root, "data", "objects", "bucket")
	dbDir = filepath.Join(root, "data", "db")
	for _, d := range []string{filepath.Join(bucket, "originals"), dbDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := sql.Open("sqlite", embedded.SQLiteURI(filepath.Join(dbDir, "twincms.sqlite")))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (randomblob(100000))"); err != nil {
		tb.Fatal(err)
	}
	_ = db.Close()
	buf := make([]byte, size)
	for i := range n {
		_, _ = rand.Read(buf)
		putFixtureObject(tb, bucket, fmt.Sprintf("originals/doc-%06d", i), buf)
	}
	return bucket, dbDir
}

// putFixtureObject writes one object file of the fixture.
func putFixtureObject(tb testing.TB, bucket, key string, b []byte) {
	tb.Helper()
	p := filepath.Join(bucket, filepath.FromSlash(key))
	if err := os.WriteFile(p, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	for k, v := range map[string]string{"user.etag": fmt.Sprintf(`"%x"`, sha256.Sum256(b)), "user.content-type": "application/pdf"} {
		if err := xattr.Set(p, k, []byte(v)); err != nil {
			tb.Skipf("no extended attributes here: %v", err)
		}
	}
}
