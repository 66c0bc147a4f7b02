package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/demo"
)

// Fault tests: each breaks a dependency of its own server instance (the
// real embedded FerretDB and versitygw child) and checks what clients see
// through HTTP. "Fast" is 5 s: a request must never wait for a dead or
// hung store longer than that.
const failFast = 5 * time.Second

// faultServer is a server of the test's own, without demo content.
func faultServer(t *testing.T, dir string) *testServer {
	t.Helper()
	s, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	return s
}

// timed does r and fails the test when the answer took longer than failFast.
func (s *testServer) timed(t *testing.T, r req) (resp, time.Duration) {
	t.Helper()
	start := time.Now()
	got := s.do(t, r)
	took := time.Since(start)
	if took > failFast {
		t.Errorf("%s %s answered %d after %s, want within %s", r.Method, r.Path, got.Status, took.Round(time.Millisecond), failFast)
	}
	return got, took
}

// expectUnavailable checks a 503 problem that tells the client when to retry.
func expectUnavailable(t *testing.T, r resp, typ string) {
	t.Helper()
	expectProblem(t, r, 503, typ)
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After: %v", r.Header)
	}
}

// waitStatus polls path until it answers status (bounded).
func (s *testServer) waitStatus(t *testing.T, path string, status int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		r := s.do(t, req{Method: "GET", Path: path})
		if r.Status == status {
			return time.Since(start)
		}
		if time.Since(start) > within {
			t.Fatalf("%s still %d after %s, want %d: %s", path, r.Status, within, status, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// faultFixture is what the fault tests read and write: a stored document,
// a direct upload whose bytes are in the store but not yet completed, and
// a partnership holding the document (for its bag).
type faultFixture struct {
	editor, archivist string
	docID             string
	docBytes          []byte
	uploadID          string
	partnershipID     string
}

func newFaultFixture(t *testing.T, s *testServer) faultFixture {
	t.Helper()
	f := faultFixture{editor: s.newToken(t, "editor"), archivist: s.newToken(t, "archivist")}
	f.partnershipID = expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: f.editor,
		Body: minimalPartnership("fault-town", "Fault")}), 201).Map(t)["id"].(string)
	f.docBytes = demo.PlaceholderPDF("Fault " + t.Name())
	meta := docMeta("agreement", "Fault")
	meta["partnership_ids"] = []string{f.partnershipID}
	d := expect(t, s.upload(t, f.editor, meta, "pogodba.pdf", "application/pdf", f.docBytes), 201).Map(t)
	f.docID = d["id"].(string)

	direct := demo.PlaceholderPDF("Direct fault " + t.Name())
	ticket := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/uploads", Token: f.editor, Body: map[string]any{
		"filename": "pregled.pdf", "size": len(direct), "sha256": sha(direct), "metadata": docMeta("overview", "Pregled")}}), 201).Map(t)
	if st := putToTicket(t, ticket, direct); st != 200 {
		t.Fatalf("PUT to the signed URL: %d", st)
	}
	f.uploadID = ticket["upload"].(map[string]any)["id"].(string)
	return f
}

// storeRequests are the requests that need the object store.
func (f faultFixture) storeRequests(t *testing.T) map[string]req {
	ct, body := uploadBody(t, docMeta("agreement", "During the fault"), "med-napako.pdf", "application/pdf", demo.PlaceholderPDF("During "+t.Name()))
	return map[string]req{
		"upload":   {Method: "POST", Path: "/api/v1/documents", Token: f.editor, Body: body, Headers: map[string]string{"Content-Type": ct}},
		"original": {Method: "GET", Path: "/api/v1/archive/documents/" + f.docID + "/original", Token: f.archivist},
		"fixity":   {Method: "POST", Path: "/api/v1/archive/documents/" + f.docID + "/fixity", Token: f.archivist},
		"complete": {Method: "POST", Path: "/api/v1/uploads/" + f.uploadID + "/complete", Token: f.editor},
		"bag":      {Method: "GET", Path: "/api/v1/archive/partnerships/" + f.partnershipID + "/bag", Token: f.archivist},
	}
}

// checkRecovered: the service works again by itself.
func (f faultFixture) checkRecovered(t *testing.T, s *testServer) {
	t.Helper()
	s.waitStatus(t, "/readyz", 200, 30*time.Second)
	r := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + f.docID + "/original", Token: f.archivist}), 200)
	if !bytes.Equal(r.Body, f.docBytes) {
		t.Fatalf("original after recovery: %d bytes, want %d", len(r.Body), len(f.docBytes))
	}
	expect(t, s.upload(t, f.editor, docMeta("agreement", "After"), "po.pdf", "application/pdf", demo.PlaceholderPDF("After "+t.Name())), 201)
	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/uploads/" + f.uploadID + "/complete", Token: f.editor}), 201)
}

// The S3 child is killed: requests that need it answer 503 at once,
// /healthz stays 200 and /readyz says 503; the supervisor starts it again
// (here only once its directory is back, so the outage is long enough to
// look at) and the service recovers by itself.
func TestStoreKilledAnswers503AndTheSupervisorRestartsIt(t *testing.T) {
	dir := t.TempDir()
	s := faultServer(t, dir)
	f := newFaultFixture(t, s)
	oldPID := s.srv.embS3.PID()
	objects := filepath.Join(dir, "objects")
	if err := syscall.Kill(oldPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Restarts fail while the directory is away: the supervisor backs off.
	if err := os.Rename(objects, objects+".away"); err != nil {
		t.Fatal(err)
	}
	for name, r := range f.storeRequests(t) {
		got, took := s.timed(t, r)
		t.Logf("store down: %s → %d in %s", name, got.Status, took.Round(time.Millisecond))
		expectUnavailable(t, got, "unavailable")
	}
	r, took := s.timed(t, req{Method: "GET", Path: "/readyz"})
	t.Logf("store down: readyz → %d in %s", r.Status, took.Round(time.Millisecond))
	expectUnavailable(t, r, "not-ready")
	if c := r.Map(t)["checks"].(map[string]any); c["object_store"] != "unavailable" || c["database"] != "ok" {
		t.Errorf("checks %v", c)
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/healthz"}), 200)

	if err := os.Rename(objects+".away", objects); err != nil {
		t.Fatal(err)
	}
	took = s.waitStatus(t, "/readyz", 200, 30*time.Second)
	t.Logf("ready again %s after the directory came back", took.Round(time.Millisecond))
	if s.srv.embS3.PID() == oldPID || s.srv.embS3.Restarts() < 1 {
		t.Fatalf("pid %d (was %d), %d restarts: the child was not restarted", s.srv.embS3.PID(), oldPID, s.srv.embS3.Restarts())
	}
	f.checkRecovered(t, s)
}

// The S3 child hangs (SIGSTOP: it accepts connections and never answers):
// every request that needs it answers 503 within seconds, not after the
// ten minutes of the default timeouts; SIGCONT and it works again.
func TestStoreHungAnswers503WithinSeconds(t *testing.T) {
	s := faultServer(t, t.TempDir())
	f := newFaultFixture(t, s)
	pid := s.srv.embS3.PID()
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitStopped(t, pid)
	resumed := false
	resume := func() {
		if !resumed {
			resumed = true
			_ = syscall.Kill(pid, syscall.SIGCONT)
		}
	}
	t.Cleanup(resume)
	for _, name := range []string{"upload", "original", "fixity", "complete", "bag"} {
		got, took := s.timed(t, f.storeRequests(t)[name])
		t.Logf("store hung: %s → %d in %s", name, got.Status, took.Round(time.Millisecond))
		expectUnavailable(t, got, "unavailable")
		// Wait out the breaker, so that each request meets the hung store
		// itself rather than the memory of the last failure.
		time.Sleep(breakerWait)
	}
	r, took := s.timed(t, req{Method: "GET", Path: "/readyz"})
	t.Logf("store hung: readyz → %d in %s", r.Status, took.Round(time.Millisecond))
	expectUnavailable(t, r, "not-ready")
	expect(t, s.do(t, req{Method: "GET", Path: "/healthz"}), 200)

	resume()
	f.checkRecovered(t, s)
}

// waitStopped waits (bounded) until the kernel shows pid stopped: a stop
// signal is delivered asynchronously, and a loaded machine may let the
// child answer a request first.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, 10*time.Second, "the S3 child to stop", func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// pid (comm) STATE …: the comm may hold spaces, the state follows its ')'.
		rest := b[bytes.LastIndexByte(b, ')')+1:]
		return len(rest) > 1 && (rest[1] == 'T' || rest[1] == 't')
	})
}

// breakerWait is a little more than storage's breakerOpen.
const breakerWait = 1200 * time.Millisecond

// The database stops: requests that need it answer 503 within seconds.
func TestDatabaseDownAnswers503Fast(t *testing.T) {
	s := faultServer(t, t.TempDir())
	ed := s.newToken(t, "editor")
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/partnerships", Token: ed}), 200)
	if err := s.srv.embDB.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []req{
		{Method: "GET", Path: "/api/v1/partnerships", Token: ed},
		{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: minimalPartnership("no-db", "No DB")},
		{Method: "GET", Path: "/api/v1/documents", Token: ed},
		{Method: "GET", Path: "/oai?verb=Identify"},
		{Method: "POST", Path: "/oai", Body: "verb=Identify", Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}},
	} {
		got, took := s.timed(t, r)
		t.Logf("database down: %s %s → %d in %s", r.Method, r.Path, got.Status, took.Round(time.Millisecond))
		expectUnavailable(t, got, "unavailable")
	}
	r, _ := s.timed(t, req{Method: "GET", Path: "/readyz"})
	expectUnavailable(t, r, "not-ready")
	if c := r.Map(t)["checks"].(map[string]any); c["database"] != "unavailable" {
		t.Errorf("checks %v", c)
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/healthz"}), 200)
}

// mountTmpfs mounts a small tmpfs on dir for the test (root only).
func mountTmpfs(t *testing.T, dir string, size string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("full-disk test: mounting a tmpfs needs root (CI runs as root)")
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount tmpfs on %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	fh, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	chunk := make([]byte, 64<<10)
	for i := 0; i < 1<<16; i++ { // bounded: 4 GiB
		if _, err := fh.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				break
			}
			t.Fatal(err)
		}
	}
	// The last few bytes too, so no small write fits.
	for n := 4096; n > 0; n /= 2 {
		for {
			if _, err := fh.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
}

// On a full disk writes get 507 (never 500), reads keep working, and a
// purge frees space so that writes work again.
func TestFullDiskGives507AndPurgeFreesSpace(t *testing.T) {
	dir := t.TempDir()
	mountTmpfs(t, dir, "48m")
	s := faultServer(t, dir)
	ed, admin := s.newToken(t, "editor"), testAdminToken
	ar := s.newToken(t, "archivist")
	big := append(demo.PlaceholderPDF("Big "+t.Name()), bytes.Repeat([]byte("x"), 12<<20)...)
	bigID := expect(t, s.upload(t, ed, docMeta("agreement", "Big"), "velika.pdf", "application/pdf", big), 201).Map(t)["id"].(string)
	p := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: minimalPartnership("full-town", "Full")}), 201).Map(t)

	fillDisk(t, filepath.Join(dir, "filler"))
	writes := []req{
		{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: minimalPartnership("no-space", "No space")},
	}
	ct, body := uploadBody(t, docMeta("agreement", "No space"), "ni-prostora.pdf", "application/pdf", demo.PlaceholderPDF("No space "+t.Name()))
	writes = append(writes, req{Method: "POST", Path: "/api/v1/documents", Token: ed, Body: body, Headers: map[string]string{"Content-Type": ct}})
	for _, r := range writes {
		got, took := s.timed(t, r)
		t.Logf("disk full: %s %s → %d in %s", r.Method, r.Path, got.Status, took.Round(time.Millisecond))
		expectProblem(t, got, 507, "insufficient-storage")
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + p["id"].(string), Token: ed}), 200)
	orig := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + bigID + "/original", Token: ar}), 200)
	if !bytes.Equal(orig.Body, big) {
		t.Fatalf("original on a full disk: %d bytes, want %d", len(orig.Body), len(big))
	}
	ready := expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200).Map(t)
	if ready["status"] != "degraded" || ready["checks"].(map[string]any)["object_store"] != "insufficient_storage" {
		t.Errorf("readyz on a full disk: %v", ready)
	}

	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/documents/" + bigID + "/purge", Token: admin}), 204)
	expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: ed, Body: minimalPartnership("space-again", "Space again")}), 201)
	expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + bigID, Token: ar}), 404)
}

// A second process on the same data dir is refused with one line naming
// the dir, and the first keeps working; the lock dies with its holder,
// even after kill -9.
func TestSecondProcessOnOneDataDirIsRefused(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	addrs := make([]string, 6)
	for i := range addrs {
		if addrs[i], err = freeAddr(); err != nil {
			t.Fatal(err)
		}
	}
	first := execMain(exe, dir, addrs[0], addrs[1])
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	waitReady(t, "http://"+addrs[0]+"/readyz")

	second := execMain(exe, dir, addrs[2], addrs[3])
	var stderr bytes.Buffer
	second.Stderr = &stderr
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 {
			t.Fatalf("second instance: %v, want a non-zero exit", err)
		}
	case <-time.After(30 * time.Second):
		_ = second.Process.Kill()
		t.Fatal("the second instance on the same data dir is still running")
	}
	want := "data dir " + dir + " is in use by another twincms process"
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		if strings.Contains(l, want) {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("stderr of the second instance has %d lines saying %q:\n%s", len(lines), want, stderr.String())
	}
	waitReady(t, "http://"+addrs[0]+"/readyz")

	// kill -9: the kernel drops the lock, a new start succeeds.
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	third := execMain(exe, dir, addrs[4], addrs[5])
	if err := third.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = third.Process.Signal(syscall.SIGTERM)
		_ = third.Wait()
	}()
	waitReady(t, "http://"+addrs[4]+"/readyz")
}

// pausingReader hands out its bytes and pauses once, after `at` bytes.
type pausingReader struct {
	r      io.Reader
	at     int64
	pause  time.Duration
	read   int64
	paused bool
}

func (p *pausingReader) Read(b []byte) (int, error) {
	if !p.paused && p.read >= p.at {
		p.paused = true
		time.Sleep(p.pause)
	}
	if !p.paused && int64(len(b)) > p.at-p.read {
		b = b[:p.at-p.read]
	}
	n, err := p.r.Read(b)
	p.read += int64(n)
	return n, err
}

// The store's deadlines are on progress, not on the whole transfer: a
// client that pauses longer than the stall timeout mid-upload or
// mid-download is not cut off.
func TestPausingClientsAreNotCutOff(t *testing.T) {
	s := faultServer(t, t.TempDir())
	ed, ar := s.newToken(t, "editor"), s.newToken(t, "archivist")
	data := append(demo.PlaceholderPDF("Pausing "+t.Name()), bytes.Repeat([]byte("p"), 24<<20)...)
	ct, body := uploadBody(t, docMeta("agreement", "Pausing"), "pavza.pdf", "application/pdf", data)
	hr, _ := http.NewRequest("POST", s.base+"/api/v1/documents",
		&pausingReader{r: bytes.NewReader(body), at: 1 << 20, pause: 4 * time.Second})
	hr.ContentLength = int64(len(body))
	hr.Header.Set("Content-Type", ct)
	hr.Header.Set("Authorization", "Bearer "+ed)
	res, err := httpClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	created, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("upload with a pause: %d %s", res.StatusCode, created)
	}
	var doc struct{ ID string }
	if err := json.Unmarshal(created, &doc); err != nil {
		t.Fatal(err)
	}

	hr, _ = http.NewRequest("GET", s.base+"/api/v1/archive/documents/"+doc.ID+"/original", nil)
	hr.Header.Set("Authorization", "Bearer "+ar)
	res, err = httpClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, err := io.ReadAll(&pausingReader{r: res.Body, at: 1 << 20, pause: 4 * time.Second})
	if err != nil || res.StatusCode != 200 || sha(got) != sha(data) {
		t.Fatalf("download with a pause: status %d, %d of %d bytes, err %v", res.StatusCode, len(got), len(data), err)
	}
}
