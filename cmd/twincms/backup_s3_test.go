package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/embedded"
)

// backupS3 is an S3 server of its own for backups: the CI's MinIO cluster
// when TWINCMS_TEST_S3_ENDPOINT names it, else a second embedded
// versitygw. It returns the target's s3:// prefix and its keys.
func backupS3(t *testing.T) (spec string, env map[string]string) {
	t.Helper()
	sum := sha256.Sum256([]byte(t.Name() + t.TempDir()))
	bucket := "twincms-test-" + hex.EncodeToString(sum[:6]) // the CI user may use twincms-test-*
	if ep := os.Getenv("TWINCMS_TEST_S3_ENDPOINT"); ep != "" {
		return "s3://" + ep + "/" + bucket + "/site", map[string]string{
			"TWINCMS_BACKUP_S3_ACCESS_KEY": os.Getenv("TWINCMS_TEST_S3_ACCESS_KEY"),
			"TWINCMS_BACKUP_S3_SECRET_KEY": os.Getenv("TWINCMS_TEST_S3_SECRET_KEY")}
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := embedded.StartS3(context.Background(), embedded.S3Options{Root: filepath.Join(t.TempDir(), "backup-s3"), Addr: addr,
		AccessKey: "backup-access", SecretKey: "backup-secret-0123456789", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s3.Close() })
	return "s3://" + addr + "/" + bucket + "/site", map[string]string{
		"TWINCMS_BACKUP_S3_ACCESS_KEY": "backup-access", "TWINCMS_BACKUP_S3_SECRET_KEY": "backup-secret-0123456789"}
}

// A backup to an S3 bucket on another server, a second one after new
// documents that sends only those (the objects already there are not sent
// again), and a restore from the bucket into a new data dir.
func TestBackupToS3IsIncrementalAndRestores(t *testing.T) {
	spec, keys := backupS3(t)
	root := t.TempDir()
	env := map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_BACKUP_TARGET": spec}
	for k, v := range keys {
		env[k] = v
	}
	s, err := startTestServer(filepath.Join(root, "data"), env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	editor := s.newToken(t, "editor")
	shas := map[string]string{}
	upload := func(n int) {
		for range n {
			data := pdfBytes(fmt.Sprintf("s3-backup-%d", len(shas)), 300<<10)
			d := expect(t, s.upload(t, editor, docMeta("charter", fmt.Sprintf("S3 %d", len(shas))), "s3.pdf", "application/pdf", data), 201).Map(t)
			shas[d["id"].(string)] = sha(data)
		}
	}
	backupNow := func() map[string]any {
		run := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/backups", Token: testAdminToken}), 202).Map(t)
		last, _ := waitBackup(t, s, run["started_at"].(string))
		if last["status"] != "succeeded" {
			t.Fatalf("backup: %v", last)
		}
		return last
	}
	upload(4)
	first := backupNow()["progress"].(map[string]any)
	if first["files_sent"] != first["files_total"] {
		t.Fatalf("the first backup should send every file: %v", first)
	}
	upload(1)
	second := backupNow()
	p2 := second["progress"].(map[string]any)
	// The database (its changed pages, one pack) and the new document's
	// original: 2 files of 6.
	if p2["files_sent"].(float64) != 2 || p2["files_total"].(float64) != 6 || p2["bytes_sent"].(float64) >= first["bytes_sent"].(float64)/2 {
		t.Fatalf("the second backup sent %v of %v files, %v bytes (the first sent %v)", p2["files_sent"], p2["files_total"], p2["bytes_sent"], first["bytes_sent"])
	}
	st := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/backups", Token: testAdminToken}), 200).Map(t)
	if kept := st["kept"].([]any); len(kept) != 2 || kept[1] != second["id"] {
		t.Fatalf("kept: %v", st)
	}

	bak := spec + "/" + second["id"].(string)
	restored := filepath.Join(root, "restored")
	renv := restoreEnv(restored)
	getenv := func(k string) string {
		if v, ok := keys[k]; ok {
			return v
		}
		return renv(k)
	}
	if code, out := runCmd(getenv, "backup", "verify", bak); code != 0 || !strings.Contains(out, "5 objects") {
		t.Fatalf("verify %s: %d %s", bak, code, out)
	}
	if code, out := runCmd(getenv, "restore", bak); code != 0 {
		t.Fatalf("restore: %d %s", code, out)
	}
	s2, err := startTestServer(restored, map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_S3_ADDR": renv("TWINCMS_S3_ADDR")})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.close()
	for id, want := range shas {
		r := expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + id + "/original", Token: testAdminToken}), 200)
		if sha(r.Body) != want {
			t.Fatalf("document %s restored with another SHA-256", id)
		}
	}
}
