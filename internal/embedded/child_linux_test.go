package embedded

import (
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// The main thread never ends (the runtime wedges it instead), so the
// tests keep off it: main holds it, and a goroutine that locks a thread
// and ends takes that thread with it, as it does in the service.
func init() { runtime.LockOSThread() }

// A child started from a goroutine that locks its thread and then ends
// (the thread ends too) keeps running: Pdeathsig follows the forking
// thread, and startChild forks on one that lives with the process.
func TestChildOutlivesTheThreadThatStartedIt(t *testing.T) {
	cmd := exec.Command("sleep", "30")
	setChildAttrs(cmd)
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: this thread ends with the goroutine
		started <- startChild(cmd)
	}()
	if err := <-started; err != nil {
		t.Fatalf("start: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }() // the one Wait
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
	select {
	case err := <-exited:
		exited <- err // for the clean-up
		t.Fatalf("the child ended with the thread that started it: %v", err)
	case <-time.After(time.Second):
	}
}
