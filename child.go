package twincms

import "github.com/jesenice/twincms/embedded"

// RunS3ChildIfRequested turns this process into the embedded S3 server
// when Open started it as one, and exits when that server stops; otherwise
// it returns at once. The embedded S3 server runs as a child process made
// from this same executable, so a host binary (and every TestMain of a
// test that opens a CMS with the embedded store) must call it first thing
// in main, before flags, logging or anything else.
func RunS3ChildIfRequested() { embedded.RunS3ChildIfRequested() }
