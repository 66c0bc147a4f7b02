package main

import (
	"bufio"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real program (this test binary in TWINCMS_TEST_RUN_MAIN mode) exits 0
// on SIGTERM and leaves no S3 child behind.
func TestSIGTERMShutsDownInOrder(t *testing.T) {
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TWINCMS_TEST_RUN_MAIN=1", "TWINCMS_DATA_DIR="+t.TempDir(),
		"TWINCMS_ADDR="+addr, "TWINCMS_S3_ADDR="+s3, "TWINCMS_BOOTSTRAP_TOKEN="+testAdminToken)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	childPID := make(chan int, 1)
	go func() {
		pidRe := regexp.MustCompile(`embedded object store started.* pid=(\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := pidRe.FindStringSubmatch(sc.Text()); m != nil {
				pid, _ := strconv.Atoi(m[1])
				childPID <- pid
			}
		}
	}()
	var pid int
	select {
	case pid = <-childPID:
	case <-time.After(30 * time.Second):
		t.Fatal("the S3 child's pid was never logged")
	}
	waitReady(t, "http://"+addr+"/readyz")

	// A request in flight when the signal arrives is still answered.
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("exit code %d, want 0", ee.ExitCode())
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still running 10s after SIGTERM")
	}
	deadline := time.Now().Add(5 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("S3 child %d still running after the parent exited", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitReady(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get(url); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", url)
}

// processAlive is true while pid runs (a zombie waiting to be reaped by
// init counts as gone).
func processAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}

// execMain prepares the real program (this binary in main mode) on dir.
func execMain(exe, dir, addr, s3 string) *exec.Cmd {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "TWINCMS_TEST_RUN_MAIN=1", "TWINCMS_DATA_DIR="+dir,
		"TWINCMS_ADDR="+addr, "TWINCMS_S3_ADDR="+s3, "TWINCMS_BOOTSTRAP_TOKEN="+testAdminToken)
	return cmd
}
