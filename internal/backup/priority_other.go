//go:build !linux

package backup

// lowerPriority: elsewhere the copying workers keep the process's
// priority (TWINCMS_BACKUP_NICE is a Linux thread's nice value).
func lowerPriority(nice int) {}
