package models

import "time"

// ObjectInfo is what the object store knows of one object.
type ObjectInfo struct {
	Key          string
	Size         int64
	ContentType  string
	LastModified time.Time
	Metadata     map[string]string
	// ETag is the store's entity tag: with the key and size, how a backup
	// knows an object it already holds without reading it again.
	ETag string
}

// IncompleteUpload is a multipart upload the object store holds parts of
// but that was never completed nor aborted (a crash or a cut stream).
type IncompleteUpload struct {
	Key       string
	UploadID  string
	Initiated time.Time
}

// BackupProgress is how far a running backup is: bytes and files done of
// the total (objects already in the target count as done without being
// sent), bytes sent, the rate so far and the time it expects to need.
type BackupProgress struct {
	Phase      string  `json:"phase"`
	BytesDone  int64   `json:"bytes_done"`
	BytesTotal int64   `json:"bytes_total"`
	FilesDone  int     `json:"files_done"`
	FilesTotal int     `json:"files_total"`
	BytesSent  int64   `json:"bytes_sent"`
	FilesSent  int     `json:"files_sent"`
	RateBps    float64 `json:"rate_bytes_per_second"`
	ETASeconds float64 `json:"eta_seconds"`
}

// BackupRun is one backup: running, succeeded or failed.
type BackupRun struct {
	ID             string         `json:"id"`
	Status         string         `json:"status"`
	Target         string         `json:"target"`
	Trigger        string         `json:"trigger"`
	StartedAt      time.Time      `json:"started_at"`
	FinishedAt     *time.Time     `json:"finished_at,omitempty"`
	MigrationLevel string         `json:"migration_level,omitempty"`
	Error          string         `json:"error,omitempty"`
	Progress       BackupProgress `json:"progress"`
}

// BackupStatus is what GET /api/v1/backups answers: the backup running
// now, the last one finished, and the backups kept in the target.
type BackupStatus struct {
	Target   string     `json:"target"`
	Schedule string     `json:"schedule,omitempty"`
	Running  *BackupRun `json:"running,omitempty"`
	Last     *BackupRun `json:"last,omitempty"`
	Kept     []string   `json:"kept"`
	// TargetError says the target could not be listed (Kept is empty).
	TargetError string `json:"target_error,omitempty"`
}

// Statuses of a BackupRun.
const (
	BackupRunning   = "running"
	BackupSucceeded = "succeeded"
	BackupFailed    = "failed"
)
