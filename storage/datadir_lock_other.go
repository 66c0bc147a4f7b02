//go:build !unix

package storage

import "os"

// tryLock: no flock here; the data dir is not protected.
func tryLock(*os.File) error { return nil }
