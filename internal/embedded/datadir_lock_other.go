//go:build !unix

package embedded

import "os"

// tryLock: no flock here; the data dir is not protected.
func tryLock(*os.File) error { return nil }
