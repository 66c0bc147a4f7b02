package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// TestMinIOProductionBackupScript runs the object half of
// deploy/backup-production.sh against the MinIO cluster of .ci/run (both
// the live and the backup bucket on it): the backup bucket is made with
// versioning and object locking, the mirror copies every object with its
// bytes, originals are under retention (a locked version cannot be
// deleted), a second run adds new objects and keeps those purged at the
// source.
func TestMinIOProductionBackupScript(t *testing.T) {
	clusterDir(t)
	endpoint := os.Getenv("TWINCMS_TEST_S3_ENDPOINT")
	user, secret := envOr("MINIO_ROOT_USER", "ci-root"), envOr("MINIO_ROOT_PASSWORD", "ci-root-secret-0123456789")
	c, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(user, secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	stamp := time.Now().UnixNano()
	src, dst := fmt.Sprintf("twincms-test-src-%d", stamp), fmt.Sprintf("twincms-test-bak-%d", stamp)
	if err := c.MakeBucket(ctx, src, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) {
		if _, err := c.PutObject(ctx, src, key, bytes.NewReader([]byte(body)), int64(len(body)), minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
			t.Fatal(err)
		}
	}
	put("originals/a", "%PDF-1.4 charter a")
	put("originals/b", "%PDF-1.4 charter b")
	put("renditions/a/200.png", "png a")
	script, _ := filepath.Abs("../../deploy/backup-production.sh")
	mc := os.Getenv("MC")
	if mc == "" {
		mc = filepath.Join(os.Getenv("HOME"), "go", "bin", "mc")
		if gp, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			mc = filepath.Join(string(bytes.TrimSpace(gp)), "bin", "mc")
		}
	}
	runScript := func(arg string) {
		t.Helper()
		cmd := exec.Command(script, arg)
		cmd.Env = append(os.Environ(), "MC="+mc, "MC_CONFIG_DIR="+t.TempDir(),
			"SRC_URL=http://"+endpoint, "SRC_ACCESS_KEY="+user, "SRC_SECRET_KEY="+secret, "SRC_BUCKET="+src,
			"DST_URL=http://"+endpoint, "DST_ACCESS_KEY="+user, "DST_SECRET_KEY="+secret, "DST_BUCKET="+dst, "LOCK_DAYS=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("backup-production.sh %s: %v\n%s", arg, err, out)
		}
	}
	runScript("prepare")
	runScript("objects")

	if v, err := c.GetBucketVersioning(ctx, dst); err != nil || !v.Enabled() {
		t.Fatalf("backup bucket versioning: %+v %v", v, err)
	}
	if lock, _, _, _, err := c.GetObjectLockConfig(ctx, dst); err != nil || lock != "Enabled" {
		t.Fatalf("backup bucket object lock: %q %v", lock, err)
	}
	same := func(key string) {
		t.Helper()
		a, err := c.GetObject(ctx, src, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		want, _ := io.ReadAll(a)
		b, err := c.GetObject(ctx, dst, key, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		got, err := io.ReadAll(b)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s in the backup: %q (%v), want %q", key, got, err, want)
		}
	}
	for _, k := range []string{"originals/a", "originals/b", "renditions/a/200.png"} {
		same(k)
	}
	st, err := c.StatObject(ctx, dst, "originals/a", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mode, until, err := c.GetObjectRetention(ctx, dst, "originals/a", st.VersionID)
	if err != nil || mode == nil || *mode != minio.Governance || until.Before(time.Now()) {
		t.Fatalf("retention of originals/a: %v %v %v", mode, until, err)
	}
	if err := c.RemoveObject(ctx, dst, "originals/a", minio.RemoveObjectOptions{VersionID: st.VersionID}); err == nil {
		t.Fatal("a locked original's version was deleted")
	}

	// A purge and a new document at the source; the next run.
	if err := c.RemoveObject(ctx, src, "originals/b", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	put("originals/c", "%PDF-1.4 charter c")
	runScript("objects")
	same("originals/c")
	if _, err := c.StatObject(ctx, dst, "originals/b", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("the purged original left the backup: %v", err)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
