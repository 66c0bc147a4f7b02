//go:build !linux

package backup

import "time"

// lowerPriority: elsewhere the copying workers keep the process's
// priority (TWINCMS_BACKUP_NICE is a Linux thread's nice value).
func lowerPriority(nice int) {}

// threadCPU: no thread clock here; the pacer weighs the time taken.
func threadCPU() time.Duration { return 0 }

// lockThread: no thread clock to keep the goroutine on.
func lockThread() {}
