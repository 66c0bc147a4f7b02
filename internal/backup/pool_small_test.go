package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jesenice/twincms/models"
)

// A backup killed while writing an object into the pool leaves a file
// under the object's SHA-256 that does not hold it. The next backup that
// needs those bytes replaces it, and keeps a pool file that does hold
// them as it is.
func TestABackupReplacesAPoolFileLeftHalfWritten(t *testing.T) {
	root := t.TempDir()
	bucket, dbDir := bucketFixture(t, root, 3, 5000)
	target := filepath.Join(root, "backups")
	read := func(i int) []byte {
		b, err := os.ReadFile(filepath.Join(bucket, "originals", "doc-00000"+string(rune('0'+i))))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	inPool := func(b []byte) string {
		sum := sha256.Sum256(b)
		return filepath.Join(target, filepath.FromSlash(poolPath(hex.EncodeToString(sum[:]))))
	}
	half, whole := read(1), read(2)
	for p, b := range map[string][]byte{inPool(half): half[:100], inPool(whole): whole} {
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	kept := inode(t, inPool(whole))

	tg, err := OpenTarget(target, S3Keys{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := Run(t.Context(), Source{DBDir: dbDir, Objects: noS3{}, ObjectDir: bucket, Version: "test"}, tg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(inPool(half)); err != nil || !bytes.Equal(got, half) {
		t.Errorf("the half-written pool file holds %d bytes (%v), want the object's %d", len(got), err, len(half))
	}
	if inode(t, inPool(whole)) != kept {
		t.Error("a pool file holding the object's bytes was written again")
	}
	if _, objs, err := Verify(t.Context(), filepath.Join(target, info.ID), nil); err != nil || len(objs) != 3 {
		t.Errorf("verify: %d objects, %v; want 3, nil", len(objs), err)
	}
}

// An object that ends before its size, or goes on past it, fails the
// backup, and none of its bytes stay in the pool.
func TestAnObjectNotOfItsSizeFailsTheBackup(t *testing.T) {
	for _, tc := range []struct {
		name string
		size int64
		body string
	}{
		{"ends early", 10, "012345678"},
		{"goes on", 10, "0123456789A"},
		{"large, ends early", 3 << 20, strings.Repeat("x", 3<<20-1)},
		{"large, goes on", 3 << 20, strings.Repeat("x", 3<<20+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			_, dbDir := bucketFixture(t, root, 0, 0)
			tg, err := OpenTarget(filepath.Join(root, "backups"), S3Keys{})
			if err != nil {
				t.Fatal(err)
			}
			src := oneObject{models.ObjectInfo{Key: "originals/a", Size: tc.size, ETag: "e", ContentType: "application/pdf"}, tc.body}
			if _, err := Run(t.Context(), Source{DBDir: dbDir, Objects: src, Version: "test"}, tg, nil); err == nil {
				t.Fatal("the backup succeeded")
			}
			files, _ := tg.Files(t.Context(), poolDir)
			for _, f := range files {
				if st, err := os.Stat(filepath.Join(root, "backups", poolDir, f)); err == nil && st.Size() >= tc.size-1 && st.Size() <= tc.size+1 {
					t.Errorf("the pool holds %s (%d bytes): the object's bytes", f, st.Size())
				}
			}
		})
	}
}

// oneObject is a bucket of one object, read over its "S3 API", whose
// bytes may not be the size it gives.
type oneObject struct {
	info models.ObjectInfo
	body string
}

func (o oneObject) List(_ context.Context, _ string, fn func(models.ObjectInfo) error) error {
	return fn(o.info)
}

func (o oneObject) Get(context.Context, string) (io.ReadCloser, models.ObjectInfo, error) {
	if o.body == "" {
		return nil, models.ObjectInfo{}, errors.New("no such object")
	}
	return io.NopCloser(strings.NewReader(o.body)), o.info, nil
}

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}
