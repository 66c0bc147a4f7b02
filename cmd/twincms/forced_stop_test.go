package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/objectstore"
	"github.com/jesenice/twincms/models"
)

// Leftovers of a forced stop (issue 23, item 7): an upload still streaming
// when the process stops must not leave its multipart upload, and the
// 16 MiB part written, in the store until the sweeper's 2 h grace.

// SIGTERM with a 1 s drain timeout while a large upload stalls after its
// first part: the program aborts the multipart upload on its way out. The
// bucket, read after the exit by an S3 server of its own on the data dir,
// holds no incomplete upload and no part; a restart finds no record, claim
// or object of it either.
func TestSIGTERMDuringUploadAbortsItsMultipartUpload(t *testing.T) {
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c := startChild(t, t.TempDir(), s3, "TWINCMS_SHUTDOWN_TIMEOUT=1s")
	objs := c.objects(t)
	big, release := stalledUpload(c.base)
	defer release()
	waitPartWritten(t, objs, c.dir)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30 s after SIGTERM with a 1 s drain timeout")
	}
	release()
	if st := <-big; st == 201 {
		t.Fatal("the cut upload was stored as a document")
	}

	bare := bareS3(t, c)
	if n := incompleteUploads(t, objs); n != 0 {
		t.Errorf("%d incomplete multipart uploads in the bucket after the exit", n)
	}
	if n := dirBytes(t, filepath.Join(c.dir, "objects")); n >= 1<<20 {
		t.Errorf("the object store still holds %d bytes after the exit: the cut upload's part", n)
	}
	_ = bare.Close()

	s := c.restart(t)
	if st := s.storeState(t); st.String() != (storeState{}).String() {
		t.Fatalf("the cut upload left:\n%s", st)
	}
}

// kill -9 while a large upload stalls after its first part, then a restart
// on the same embedded store: the sweep at start aborts the incomplete
// upload at once (the data dir's lock makes the store this process's
// alone, so it cannot be another's upload in progress), not after 2 h.
func TestKillMidUploadRestartAbortsItAtStart(t *testing.T) {
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c := startChild(t, t.TempDir(), s3)
	objs := c.objects(t)
	big, release := stalledUpload(c.base)
	defer release()
	waitPartWritten(t, objs, c.dir)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-c.exited
	release()
	if st := <-big; st != 0 {
		t.Fatalf("the stalled upload was answered (%d) before the kill", st)
	}

	s := c.restart(t)
	waitFor(t, 10*time.Second, "no incomplete upload after the restart", func() bool {
		return len(s.storeState(t).Incomplete) == 0
	})
	metrics := expect(t, s.do(t, req{Method: "GET", Path: "/metrics", Token: testAdminToken}), 200).Body
	if want := `twincms_sweep_repairs_total{kind="incomplete_uploads"} 1`; !bytes.Contains(metrics, []byte(want)) {
		t.Errorf("/metrics lacks %s", want)
	}
	if st := s.storeState(t); st.String() != (storeState{}).String() {
		t.Fatalf("the killed upload left:\n%s", st)
	}
}

// stalledUpload sends a large upload's first 17 MiB, then nothing more
// until release: a client stalled mid-upload. Release it once the server
// is gone, before reading the status: the HTTP client returns only when
// the body it is sending ends.
func stalledUpload(base string) (status <-chan int, release func()) {
	stalled := make(chan struct{})
	status = bigUpload(base, func(io.Writer) error {
		<-stalled
		return errors.New("the client gave up")
	})
	return status, sync.OnceFunc(func() { close(stalled) })
}

// waitPartWritten waits until a multipart upload has begun and its first
// 16 MiB part is on disk in the embedded store under dir.
func waitPartWritten(t *testing.T, o *objectstore.Store, dir string) {
	t.Helper()
	waitIncompleteUpload(t, o)
	waitFor(t, 30*time.Second, "the first part written", func() bool {
		return dirBytes(t, filepath.Join(dir, "objects")) >= 16<<20
	})
}

// incompleteUploads counts the bucket's incomplete multipart uploads.
func incompleteUploads(t *testing.T, o *objectstore.Store) int {
	t.Helper()
	n := 0
	err := o.IncompleteUploads(context.Background(), "", func(models.IncompleteUpload) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// bareS3 serves the stopped child's object store on its address, with
// its credentials, and nothing else: the bucket as the program left it.
func bareS3(t *testing.T, c *child) *embedded.S3 {
	t.Helper()
	k := c.s3Keys(t)
	s, err := embedded.StartS3(context.Background(), embedded.S3Options{Root: filepath.Join(c.dir, "objects"),
		Addr: c.s3, AccessKey: k.Access, SecretKey: k.Secret, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// dirBytes is the size of every file under root.
func dirBytes(t *testing.T, root string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a part renamed or removed meanwhile
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
