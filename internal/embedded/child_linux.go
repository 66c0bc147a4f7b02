package embedded

import (
	"os/exec"
	"syscall"
)

// setChildAttrs makes the kernel stop the S3 child when its parent dies,
// in addition to the closed stdin, so a kill -9 never leaves it running.
func setChildAttrs(cmd *exec.Cmd) {
	// Its own process group keeps a terminal's Ctrl-C from reaching it before
	// the parent has shut down in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Setpgid: true}
}
