package models

import "time"

// ObjectInfo is what the object store knows of one object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ContentType  string
	LastModified time.Time
	Metadata     map[string]string
}

// IncompleteUpload is a multipart upload the object store holds parts of
// but that was never completed nor aborted (a crash or a cut stream).
type IncompleteUpload struct {
	Key       string
	UploadID  string
	Initiated time.Time
}
