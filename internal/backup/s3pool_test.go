package backup

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jesenice/twincms/internal/embedded"
)

// A backup into an S3 target learns which objects its pool holds from one
// listing, not a request per unchanged object; an object whose pool copy
// went missing since is sent again, and the backup restores whole.
func TestAnS3TargetListsItsPoolOnceAndResendsWhatItLacks(t *testing.T) {
	const n = 20
	root := t.TempDir()
	bucket, dbDir := bucketFixture(t, root, n, 3000)
	tg, spec, keys := startS3Target(t, root)
	src := Source{DBDir: dbDir, Objects: noS3{}, ObjectDir: bucket, Version: "test"}
	first, err := Run(t.Context(), src, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, objs, err := readBack(t, spec, first.ID, keys)
	if err != nil || len(objs) != n {
		t.Fatalf("the first backup: %d objects, %v", len(objs), err)
	}
	lost := objs[3]
	if err := tg.RemoveAll(t.Context(), poolPath(lost.SHA256)); err != nil {
		t.Fatal(err)
	}

	counted := &countingExists{Target: tg}
	second, err := Run(t.Context(), src, counted, nil)
	if err != nil {
		t.Fatal(err)
	}
	if asked := counted.n.Load(); asked >= n {
		t.Errorf("the second backup asked the target about %d paths, one per object: the pool was not listed", asked)
	}
	if ok, err := tg.Exists(t.Context(), poolPath(lost.SHA256)); err != nil || !ok {
		t.Errorf("the object whose pool copy was lost is not back in the pool: %v", err)
	}
	if second.SentBytes >= 2*lost.Size+first.SentBytes-int64(n)*3000 {
		t.Errorf("the second backup sent %d bytes; only the lost object (%d) and the database's changes were due", second.SentBytes, lost.Size)
	}
	if _, objs, err := readBack(t, spec, second.ID, keys); err != nil || len(objs) != n {
		t.Errorf("the second backup: %d objects, %v", len(objs), err)
	}
}

// readBack fetches backup id from the S3 target and verifies it.
func readBack(t *testing.T, spec, id string, keys S3Keys) (Info, []Object, error) {
	t.Helper()
	dir, done, err := Open(t.Context(), spec+"/"+id, keys)
	if err != nil {
		return Info{}, nil, err
	}
	defer done()
	return Verify(t.Context(), dir, nil)
}

// countingExists counts the target's Exists calls; its pool is listed by
// the S3 target it wraps.
type countingExists struct {
	Target
	n atomic.Int64
}

func (c *countingExists) Exists(ctx context.Context, p string) (bool, error) {
	c.n.Add(1)
	return c.Target.Exists(ctx, p)
}

func (c *countingExists) listPool(ctx context.Context) (map[string]bool, error) {
	return c.Target.(poolLister).listPool(ctx)
}

// Prune clears what a backup cut short staged in the pool, in a
// directory and in an S3 bucket: the temporary objects of today's layout
// ("pool/tmp-…") and of the one before ("pool/tmp/…"), and keeps the
// objects kept backups name.
func TestPruneClearsStagedObjectsLeftInThePool(t *testing.T) {
	root := t.TempDir()
	bucket, dbDir := bucketFixture(t, root, 2, 3000)
	targets := map[string]Target{}
	dir, err := OpenTarget(filepath.Join(root, "backups"), S3Keys{})
	if err != nil {
		t.Fatal(err)
	}
	targets["directory"] = dir
	targets["s3"], _, _ = startS3Target(t, root)
	for name, tg := range targets {
		t.Run(name, func(t *testing.T) {
			info, err := Run(t.Context(), Source{DBDir: dbDir, Objects: noS3{}, ObjectDir: bucket, Version: "test"}, tg, nil)
			if err != nil {
				t.Fatal(err)
			}
			left := []string{"pool/tmp-1765000000000000000-originals_doc-000001", "pool/tmp/1765000000000000000-originals_doc-000002"}
			for _, p := range left {
				if err := tg.Put(t.Context(), p, strings.NewReader("half"), 4); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Prune(t.Context(), tg, Retention{Daily: 1}); err != nil {
				t.Fatal(err)
			}
			for _, p := range left {
				if ok, err := tg.Exists(t.Context(), p); err != nil || ok {
					t.Errorf("%s is still there after Prune (%v)", p, err)
				}
			}
			files, err := tg.Files(t.Context(), poolDir)
			if err != nil || len(files) < info.Objects {
				t.Errorf("the pool keeps %d files (%v), want the kept backup's %d objects and more", len(files), err, info.Objects)
			}
		})
	}
}

// startS3Target starts an embedded versitygw under root as a backup
// server and opens a target on it (spec and keys name it).
func startS3Target(t *testing.T, root string) (tg Target, spec string, keys S3Keys) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	keys = S3Keys{AccessKey: "backup-access", SecretKey: "backup-secret-0123456789"}
	srv, err := embedded.StartS3(t.Context(), embedded.S3Options{Root: filepath.Join(root, "s3-"+addr[strings.LastIndexByte(addr, ':')+1:]), Addr: addr,
		AccessKey: keys.AccessKey, SecretKey: keys.SecretKey, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	spec = "s3://" + addr + "/backups/site"
	if tg, err = OpenTarget(spec, keys); err != nil {
		t.Fatal(err)
	}
	return tg, spec, keys
}
