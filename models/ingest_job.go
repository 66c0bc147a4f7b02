package models

import "time"

// IngestStatus is where a bulk ingest job is.
type IngestStatus string

// Ingest job statuses. A job is queued when its bag has arrived, verifying
// while every payload checksum is checked (nothing is stored yet),
// ingesting while files are stored, and then done (every file was
// looked at: stored, skipped or failed on its own) or failed (the bag
// was refused as a whole, or the job was interrupted).
const (
	IngestQueued    IngestStatus = "queued"
	IngestVerifying IngestStatus = "verifying"
	IngestIngesting IngestStatus = "ingesting"
	IngestDone      IngestStatus = "done"
	IngestFailed    IngestStatus = "failed"
)

// Finished reports whether the job has stopped.
func (s IngestStatus) Finished() bool { return s == IngestDone || s == IngestFailed }

// IngestJob is a bulk ingest submitted over HTTP. It is kept in the
// database so any instance can report it; only the instance that received
// the bag runs it, and that instance touches UpdatedAt at least every
// IngestHeartbeat while it does.
type IngestJob struct {
	ID      string       `json:"id" bson:"_id"`
	Status  IngestStatus `json:"status" bson:"status"`
	Total   int          `json:"total" bson:"total"`
	Stored  int          `json:"stored" bson:"stored"`
	Skipped int          `json:"skipped" bson:"skipped"`
	Failed  int          `json:"failed" bson:"failed"`
	// Bytes is the size of the files stored so far.
	Bytes int64 `json:"bytes" bson:"bytes"`
	// Errors name the files that failed (or, for a refused bag, every file
	// that is missing, altered or unlisted) and why; at most
	// MaxIngestErrors are kept.
	Errors    []IngestError `json:"errors" bson:"errors"`
	CreatedAt time.Time     `json:"created_at" bson:"created_at"`
	CreatedBy string        `json:"created_by" bson:"created_by"`
	UpdatedAt time.Time     `json:"updated_at" bson:"updated_at"`
}

// IngestError is one file's (or the bag's, with an empty File) problem.
type IngestError struct {
	File   string `json:"file,omitempty" bson:"file,omitempty"`
	Reason string `json:"reason" bson:"reason"`
}

// MaxIngestErrors bounds a job's error list so that a bag of 10,000
// broken files still fits one record.
const MaxIngestErrors = 1000

// IngestHeartbeat is how often a running job's record is touched; a job
// not touched for IngestStaleAfter was cut off (its instance stopped) and
// is reported as failed.
const (
	IngestHeartbeat  = 5 * time.Second
	IngestStaleAfter = 2 * time.Minute
)
