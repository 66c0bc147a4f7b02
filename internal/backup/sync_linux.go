package backup

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// syncAll writes the dirty pages of the file system holding dir to disk:
// one call for the thousands of files of a backup instead of an fsync
// each, and only the target's file system (sync(2), every file system,
// also waited for whatever the service and other programs had written
// elsewhere). sync(2) when dir cannot be opened.
func syncAll(dir string) {
	f, err := os.Open(dir)
	if err != nil {
		syscall.Sync()
		return
	}
	defer f.Close()
	if unix.Syncfs(int(f.Fd())) != nil {
		syscall.Sync()
	}
}

// startWriteback asks the kernel to start writing f's dirty pages to disk
// now, without waiting: the writing overlaps the copying of the next
// files, and the one sync before a backup is named complete (syncAll)
// waits for what is left rather than for every byte of the backup.
func startWriteback(f *os.File) {
	_ = unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
