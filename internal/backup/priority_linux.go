package backup

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// lowerPriority gives the calling goroutine a thread of its own at
// scheduling priority nice (1..19; 0 leaves it as it is). The copying
// workers call it: reading, hashing and writing a backup's bytes, in the
// process and in the kernel on their behalf, then yield the CPU to the
// threads serving requests whenever both want it (at nice 10 a thread
// weighs about a tenth of one at 0), and take all of an idle machine. The
// goroutine never unlocks its thread, so the thread ends with it and no
// lowered thread goes back to the scheduler's pool. The cost: while the
// kernel sets a lowered thread aside it still holds its P, one of Go's
// GOMAXPROCS schedulers, so on a machine other processes keep busy the
// requests lose that P (hence 0, off, by default).
func lowerPriority(nice int) {
	if nice <= 0 {
		return
	}
	runtime.LockOSThread()
	_ = unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), min(nice, 19))
}

// threadCPU is the CPU time the calling thread has used (its goroutine
// locked to it), in the process and in the kernel on its behalf.
func threadCPU() time.Duration {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// lockThread keeps the calling goroutine on its thread until it ends.
func lockThread() { runtime.LockOSThread() }
