package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/models"
)

// Backups of the embedded store list and read its objects from versitygw's
// bucket directory (backup.Source.ObjectDir) rather than over S3. These
// tests hold the file path to what the S3 API gives: the same keys,
// bytes, ETags, content types and metadata, and a changed object copied
// again.

// putTestObjects stores objects of the shapes a store holds: nested keys,
// user metadata, an empty one, one above the multipart part size. Not
// under originals/ or renditions/, where the orphan sweep removes objects
// without a document.
func putTestObjects(t *testing.T, s *apitest.Server) map[string][]byte {
	t.Helper()
	objs := map[string][]byte{
		"kept/a":                   bytes.Repeat([]byte("a"), 100<<10),
		"kept/b/c d.pdf":           []byte("%PDF-1.7 spaces and depth"),
		"kept/previews/page-1.png": []byte("\x89PNG not really"),
		"empty":                    {},
		"kept/multipart-17":        bytes.Repeat([]byte("0123456789abcdef"), 17<<20/16+3),
	}
	for key, body := range objs {
		var err error
		if len(body) > 16<<20 {
			_, err = s.CMS.Objects.PutStream(t.Context(), key, bytes.NewReader(body), models.TypePDF, map[string]string{"document-id": "doc-" + key})
		} else {
			_, err = s.CMS.Objects.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), models.TypePDF, map[string]string{"document-id": "doc-" + key})
		}
		if err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	return objs
}

// manifestOf reads a backup's objects.jsonl, by key.
func manifestOf(t *testing.T, dir, id string) map[string]backup.Object {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, id, "objects.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]backup.Object{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var o backup.Object
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err)
		}
		out[o.Key] = o
	}
	return out
}

func TestBackupReadsObjectFilesAsS3GivesThem(t *testing.T) {
	s := apitest.Empty(t, nil)
	objs := putTestObjects(t, s)
	src := s.CMS.BackupSource()
	if src.ObjectDir == "" {
		t.Fatal("the embedded store's backup source names no object directory")
	}
	overS3 := src
	overS3.ObjectDir = ""
	run := func(src backup.Source) (string, backup.Info) {
		dir := filepath.Join(t.TempDir(), "backups")
		target, err := s.CMS.BackupTarget(dir)
		if err != nil {
			t.Fatal(err)
		}
		info, err := backup.Run(t.Context(), src, target, nil)
		if err != nil {
			t.Fatalf("backup (object dir %q): %v", src.ObjectDir, err)
		}
		return dir, info
	}
	s3Dir, s3Info := run(overS3)
	viaS3 := manifestOf(t, s3Dir, s3Info.ID)
	fileDir, fileInfo := run(src)
	viaFiles := manifestOf(t, fileDir, fileInfo.ID)
	for key := range viaS3 {
		if _, ok := objs[key]; !ok {
			delete(viaS3, key) // the store's own probe objects
			delete(viaFiles, key)
		}
	}
	if len(viaFiles) != len(objs) || len(viaS3) != len(objs) {
		t.Fatalf("backed up %d objects from files, %d over S3, of %d", len(viaFiles), len(viaS3), len(objs))
	}
	for key, body := range objs {
		a, b := viaFiles[key], viaS3[key]
		aj, _ := json.Marshal(a)
		bj, _ := json.Marshal(b)
		if !bytes.Equal(aj, bj) {
			t.Errorf("%s: from the file %s, over S3 %s", key, aj, bj)
		}
		sum := sha256.Sum256(body)
		if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(body)) {
			t.Errorf("%s: recorded %s (%d bytes), put %x (%d bytes)", key, a.SHA256, a.Size, sum, len(body))
		}
		// (One run saw versitygw keep neither for the multipart object.)
		if a.ETag == "" || key != "kept/multipart-17" && (a.ContentType != models.TypePDF || a.Metadata["Document-Id"] != "doc-"+key) {
			t.Errorf("%s: ETag %q, type %q, metadata %v", key, a.ETag, a.ContentType, a.Metadata)
		}
		got, err := os.ReadFile(filepath.Join(fileDir, "pool", "sha256", a.SHA256[:2], a.SHA256))
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("%s: the pool's copy differs from the object (%v)", key, err)
		}
	}
	// With the object store stopped only the files can be read, and the
	// backup still completes with the same record. (The multipart object
	// goes first: a file without a content type attribute is read over
	// S3, and one run here saw versitygw keep none for it.)
	if err := s.CMS.Objects.Remove(t.Context(), "kept/multipart-17"); err != nil {
		t.Fatal(err)
	}
	if err := s.CMS.EmbeddedS3.Close(); err != nil {
		t.Fatal(err)
	}
	stoppedDir, stoppedInfo := run(src)
	for key, o := range manifestOf(t, stoppedDir, stoppedInfo.ID) {
		if _, ok := objs[key]; !ok {
			continue
		}
		aj, _ := json.Marshal(o)
		bj, _ := json.Marshal(viaFiles[key])
		if !bytes.Equal(aj, bj) {
			t.Errorf("%s with the store stopped: %s, before %s", key, aj, bj)
		}
	}
}

func TestIncrementalBackupCopiesAChangedObjectAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "backups")
	s := apitest.Empty(t, map[string]string{"TWINCMS_BACKUP_TARGET": dir})
	objs := putTestObjects(t, s)
	_, first, err := s.CMS.Backups.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	// The same key and size, other bytes; and one object untouched.
	changed := bytes.Repeat([]byte("b"), len(objs["kept/a"]))
	if _, err := s.CMS.Objects.Put(t.Context(), "kept/a", bytes.NewReader(changed), int64(len(changed)), models.TypePDF, nil); err != nil {
		t.Fatal(err)
	}
	_, second, err := s.CMS.Backups.Run(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	before, after := manifestOf(t, dir, first.ID), manifestOf(t, dir, second.ID)
	sum := sha256.Sum256(changed)
	if got := after["kept/a"]; got.SHA256 != hex.EncodeToString(sum[:]) || got.SHA256 == before["kept/a"].SHA256 {
		t.Fatalf("changed object recorded as %s, before %s, its bytes are %x", got.SHA256, before["kept/a"].SHA256, sum)
	}
	got, err := os.ReadFile(filepath.Join(dir, second.ID, "data", "objects", "kept", "a"))
	if err != nil || !bytes.Equal(got, changed) {
		t.Fatalf("the second backup's kept/a is not the changed object (%v)", err)
	}
	if old, err := os.ReadFile(filepath.Join(dir, first.ID, "data", "objects", "kept", "a")); err != nil || !bytes.Equal(old, objs["kept/a"]) {
		t.Fatalf("the first backup's kept/a changed with the store (%v)", err)
	}
	// Only the changed object and the database were sent again.
	if after["kept/multipart-17"].SHA256 != before["kept/multipart-17"].SHA256 {
		t.Fatal("an unchanged object changed in the manifest")
	}
	if second.SentBytes >= first.SentBytes || second.SentBytes < int64(len(changed)) {
		t.Fatalf("the incremental backup sent %d bytes, the full one %d, the changed object is %d", second.SentBytes, first.SentBytes, len(changed))
	}
}
