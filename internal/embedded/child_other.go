//go:build !linux

package embedded

import "os/exec"

// setChildAttrs relies on the closed stdin alone where Pdeathsig is missing.
func setChildAttrs(cmd *exec.Cmd) {}

// startChild starts cmd; without Pdeathsig no thread needs keeping.
func startChild(cmd *exec.Cmd) error { return cmd.Start() }
