package embedded

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// setChildAttrs makes the kernel stop the S3 child when its parent dies,
// in addition to the closed stdin, so a kill -9 never leaves it running.
func setChildAttrs(cmd *exec.Cmd) {
	// Its own process group keeps a terminal's Ctrl-C from reaching it before
	// the parent has shut down in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
}

// Linux sends Pdeathsig when the thread that forked the child ends, not
// the process (go.dev/issue/27505), and a Go thread ends whenever a
// goroutine locked to it returns (the backup's copying workers do, to keep
// their lowered priority off the pool). A child forked on such a thread
// was stopped mid-run, its requests refused until the supervisor had
// restarted it. So every child is forked on one thread that lives as long
// as the process: a goroutine locked to it for good.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startChild starts cmd from the spawner's thread.
func startChild(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread must not end
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	done := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd: cmd, done: done}
	return <-done
}
