package backup

import (
	"testing"

	"golang.org/x/sys/unix"
)

// niceOf is the nice value of thread tid (getpriority(2) returns 20-nice).
func niceOf(t *testing.T, tid int) int {
	t.Helper()
	p, err := unix.Getpriority(unix.PRIO_PROCESS, tid)
	if err != nil {
		t.Fatal(err)
	}
	return 20 - p
}

func TestLowerPriorityLowersOnlyTheWorkersThread(t *testing.T) {
	before := niceOf(t, unix.Gettid())
	got := make(chan int)
	go func() {
		lowerPriority(7)
		got <- niceOf(t, unix.Gettid())
	}()
	if n := <-got; n != max(before, 7) {
		t.Fatalf("the worker's thread runs at nice %d, want 7", n)
	}
	// The worker's goroutine ended with its thread locked: the thread is
	// gone, and no other goroutine runs at the lowered priority.
	for range 50 {
		go func() { got <- niceOf(t, unix.Gettid()) }()
		if n := <-got; n != before {
			t.Fatalf("a later goroutine runs at nice %d, the process at %d", n, before)
		}
	}
}
