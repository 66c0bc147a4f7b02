package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/objectstore"
	"github.com/jesenice/twincms/models"
)

// child is the real program (this test binary in main mode) on a data dir.
type child struct {
	cmd           *exec.Cmd
	dir, s3, base string
	exited        chan error
}

// startChild runs the program on dir with an embedded S3 on s3 and waits
// until it is ready.
func startChild(t *testing.T, dir, s3 string, env ...string) *child {
	t.Helper()
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := execMain(exe, dir, addr, s3)
	cmd.Env = append(cmd.Env, append([]string{"TWINCMS_DEMO=false"}, env...)...)
	if os.Getenv("TWINCMS_TEST_LOG") != "" {
		cmd.Stderr = os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, dir: dir, s3: s3, base: "http://" + addr, exited: make(chan error, 1)}
	go func() { c.exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	waitReady(t, c.base+"/readyz")
	return c
}

// s3Keys are the credentials of the child's embedded object store.
func (c *child) s3Keys(t *testing.T) (k struct{ Access, Secret string }) {
	t.Helper()
	b, err := os.ReadFile(c.dir + "/s3-credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	return k
}

// objects reaches the child's object store directly, as an operator would.
func (c *child) objects(t *testing.T) *objectstore.Store {
	t.Helper()
	k := c.s3Keys(t)
	o, err := objectstore.New(objectstore.Options{Endpoint: c.s3, AccessKey: k.Access, SecretKey: k.Secret, Bucket: "twincms", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// waitIncompleteUpload waits until the store holds a multipart upload in
// progress: the moment a crash leaves parts behind.
func waitIncompleteUpload(t *testing.T, o *objectstore.Store) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		n := 0
		_ = o.IncompleteUploads(context.Background(), "", func(models.IncompleteUpload) error { n++; return nil })
		if n > 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("no multipart upload ever started")
}

// restart starts the program again in this process on the dead child's
// data dir (the S3 port frees up when the old S3 child notices its parent
// is gone).
func (c *child) restart(t *testing.T) *testServer {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := startTestServer(c.dir, map[string]string{"TWINCMS_S3_ADDR": c.s3, "TWINCMS_DEMO": "false"})
		if err == nil {
			t.Cleanup(s.close)
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("restart: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// slowUpload streams a large PDF: 17 MiB at once (so a multipart upload
// has begun), then a trickle that never ends until the connection breaks.
// It reports the status, or 0 when the request failed.
func slowUpload(base string) <-chan int {
	return bigUpload(base, func(w io.Writer) error {
		for range 2000 { // bounded: at most ~100 s
			if _, err := w.Write(bytes.Repeat([]byte("z"), 64<<10)); err != nil {
				return err
			}
			time.Sleep(50 * time.Millisecond)
		}
		return nil
	})
}

// bigUpload streams a large PDF: 17 MiB at once (so a multipart upload
// has begun and its first 16 MiB part is on its way), then what rest
// writes. It reports the status, or 0 when the request failed.
func bigUpload(base string, rest func(io.Writer) error) <-chan int {
	done := make(chan int, 1)
	pr, pw := io.Pipe()
	ct, head := multipartUpload(docMeta("scan", "Počasen"), "pocasen.pdf", "", nil)
	cut := bytes.LastIndex(head, []byte("\r\n--"))
	go func() {
		if _, err := pw.Write(head[:cut]); err != nil {
			return
		}
		if _, err := pw.Write(pdfBytes("slow upload", 17<<20)); err != nil {
			return
		}
		pw.CloseWithError(rest(pw)) // nil: the body ends
	}()
	go func() {
		hr, _ := http.NewRequest("POST", base+"/api/v1/documents", pr)
		hr.Header.Set("Content-Type", ct)
		hr.Header.Set("Authorization", "Bearer "+testAdminToken)
		res, err := (&http.Client{Timeout: 2 * time.Minute}).Do(hr)
		if err != nil {
			pr.CloseWithError(err)
			done <- 0
			return
		}
		res.Body.Close()
		pr.Close()
		done <- res.StatusCode
	}()
	return done
}

// kill -9 while several clients upload and edit, and a large upload is
// half-way through its multipart upload; then restart and sweep. Every
// acknowledged upload and edit is there, intact; nothing is left that no
// record owns.
func TestKillDuringUploadsAndEditsThenSweep(t *testing.T) {
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c := startChild(t, t.TempDir(), s3)
	objs := c.objects(t)
	srv := &testServer{base: c.base}

	type ack struct {
		sum     string
		version int
	}
	acks := make(chan map[string]ack, 3)
	stop := make(chan struct{})
	var acked201 atomic.Int64 // uploads answered 201 so far
	for w := range 3 {
		go func() {
			mine := map[string]ack{}
			defer func() { acks <- mine }()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				data := pdfBytes(fmt.Sprintf("worker %d upload %d", w, i), 100<<10+i*37<<10)
				ct, body := multipartUpload(docMeta("scan", fmt.Sprint("Sken ", w, i)), "sken.pdf", "", data)
				r, err := tryDo(srv, req{Method: "POST", Path: "/api/v1/documents", Token: testAdminToken, Body: body, Headers: map[string]string{"Content-Type": ct}})
				if err != nil || r.Status != 201 {
					continue
				}
				var d struct{ ID string }
				if json.Unmarshal(r.Body, &d) != nil {
					continue
				}
				mine[d.ID] = ack{sum: sha(data), version: 1}
				acked201.Add(1)
				r, err = tryDo(srv, req{Method: "PATCH", Path: "/api/v1/documents/" + d.ID, Token: testAdminToken, Headers: ifMatch(1),
					Body: map[string]any{"title": map[string]string{"en": fmt.Sprint("Scan ", w, i)}}})
				if err == nil && r.Status == 200 {
					mine[d.ID] = ack{sum: sha(data), version: 2}
				}
			}
		}()
	}
	big := slowUpload(c.base)
	waitIncompleteUpload(t, objs)
	// On a loaded machine the first answers may take seconds: kill only
	// once some upload was acknowledged (bounded), with more in flight.
	waitFor(t, 60*time.Second, "a first acknowledged upload", func() bool { return acked201.Load() > 0 })
	time.Sleep(500 * time.Millisecond) // uploads and edits in flight
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-c.exited
	close(stop)
	acked := map[string]ack{}
	for range 3 {
		for id, a := range <-acks {
			acked[id] = a
		}
	}
	if st := <-big; st != 0 {
		t.Fatalf("the large upload was answered (%d) before the kill", st)
	}
	if len(acked) == 0 {
		t.Fatal("no upload was acknowledged before the kill")
	}

	s := c.restart(t)
	res, err := s.srv.ingest.Sweep(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	// The large upload's incomplete upload is gone: aborted by the sweep at
	// start (the embedded store is this process's alone) or by this one;
	// ExpectConsistentStore checks that none is left.
	t.Logf("%d uploads acknowledged; sweep: %+v", len(acked), res)
	for id, a := range acked {
		d, err := s.srv.documents.Get(context.Background(), id)
		if err != nil {
			t.Errorf("acknowledged document %s: %v", id, err)
			continue
		}
		if d.File.SHA256 != a.sum || int(d.Version) < a.version {
			t.Errorf("acknowledged document %s: sha256 %s version %d, want %s and version ≥ %d", id, d.File.SHA256, d.Version, a.sum, a.version)
		}
	}
	s.as.ExpectConsistentStore(t)
}

// A crash (kill -9) in the middle of an upload, then a restart and a
// sweep: no orphan objects and no record pointing at a missing object.
func TestCrashMidUploadThenSweepLeavesNoOrphans(t *testing.T) {
	dir := t.TempDir()
	addr, _ := freeAddr()
	s3, _ := freeAddr()
	exe, _ := os.Executable()
	cmd := execMain(exe, dir, addr, s3)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitReady(t, "http://"+addr+"/readyz")

	// Stream an upload slowly; kill the server while bytes are flowing.
	pr, pw := ioPipe()
	ct, head := uploadBody(t, docMeta("scan", "Prekinjen"), "prekinjen.pdf", "", nil)
	boundaryEnd := bytes.LastIndex(head, []byte("\r\n--"))
	go func() {
		pw.Write(head[:boundaryEnd])
		pw.Write([]byte("%PDF-1.4\n"))
		chunk := bytes.Repeat([]byte("y"), 1<<20)
		for i := 0; i < 40; i++ {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		pw.Close()
	}()
	hr, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/documents", pr)
	hr.Header.Set("Content-Type", ct)
	hr.Header.Set("Authorization", "Bearer "+testAdminToken)
	go func() {
		time.Sleep(300 * time.Millisecond)
		cmd.Process.Kill()
	}()
	if res, err := httpClient.Do(hr); err == nil {
		res.Body.Close()
		t.Fatalf("the upload finished (%d) before the kill; the test did not crash anything", res.StatusCode)
	}
	cmd.Wait()

	s, err := startTestServer(dir, map[string]string{"TWINCMS_S3_ADDR": s3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	// And the other crash window: bytes stored, record never written.
	if _, err := s.srv.objs.Put(context.Background(), "originals/0123456789abcdef01234567", strings.NewReader("%PDF-1.4 orphan"), 15, "application/pdf", nil); err != nil {
		t.Fatal(err)
	}
	res, err := s.srv.ingest.Sweep(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.OrphanObjects < 1 {
		t.Fatalf("sweep found no orphans: %+v", res)
	}
	keys := s.objectKeys(t)
	docs, _ := s.srv.documents.All(context.Background())
	known := map[string]bool{}
	for _, d := range docs {
		known[d.File.Key] = true
		if !keys[d.File.Key] {
			t.Errorf("record %s points at missing object %s", d.ID, d.File.Key)
		}
	}
	for k := range keys {
		if strings.HasPrefix(k, "originals/") && !known[k] {
			t.Errorf("orphan object %s survived the sweep", k)
		}
	}
}

// tryDo is do for background clients: a failed request is an error, not
// a failed test.
func tryDo(s *testServer, r req) (resp, error) {
	var body io.Reader
	switch b := r.Body.(type) {
	case []byte:
		body = bytes.NewReader(b)
	case nil:
	default:
		data, _ := json.Marshal(b)
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.Method, s.base+r.Path, body)
	if err != nil {
		return resp{}, err
	}
	hr.Header.Set("Content-Type", "application/merge-patch+json")
	hr.Header.Set("Authorization", "Bearer "+r.Token)
	for k, v := range r.Headers {
		hr.Header.Set(k, v)
	}
	res, err := httpClient.Do(hr)
	if err != nil {
		return resp{}, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	return resp{Status: res.StatusCode, Header: res.Header, Body: data}, err
}
