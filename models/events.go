package models

import (
	"io"
	"time"
)

// EventType is what happened to a document; the history is append-only.
type EventType string

// Document event types.
const (
	EventIngested        EventType = "ingested"
	EventMetadataChanged EventType = "metadata_changed"
	EventFixityOK        EventType = "fixity_ok"
	EventFixityFailed    EventType = "fixity_failed"
	EventWithdrawn       EventType = "withdrawn"
	EventRestored        EventType = "restored"
	EventPurged          EventType = "purged"
)

// Event is one entry of a document's history. Events live in their own
// collection so a history that grows for years never makes the document
// itself slower to read.
type Event struct {
	ID         string    `json:"id" bson:"_id"`
	DocumentID string    `json:"document_id" bson:"document_id"`
	Type       EventType `json:"type" bson:"type"`
	At         time.Time `json:"at" bson:"at"`
	Actor      string    `json:"actor" bson:"actor"`
	Detail     string    `json:"detail,omitempty" bson:"detail,omitempty"`
}

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

// Upload is a direct upload in progress: the client puts the bytes to a
// presigned URL, then asks the server to complete it.
type Upload struct {
	ID         string        `json:"id" bson:"_id"`
	DocumentID string        `json:"document_id" bson:"document_id"`
	Key        string        `json:"-" bson:"key"`
	Filename   string        `json:"filename" bson:"filename"`
	Size       int64         `json:"size" bson:"size"`
	SHA256     string        `json:"sha256" bson:"sha256"`
	Metadata   DocumentInput `json:"metadata" bson:"metadata"`
	ExpiresAt  time.Time     `json:"expires_at" bson:"expires_at"`
	CreatedAt  time.Time     `json:"created_at" bson:"created_at"`
	CreatedBy  string        `json:"created_by" bson:"created_by"`
}

// UploadRequest is what a client sends to start a direct upload.
type UploadRequest struct {
	Filename string        `json:"filename"`
	Size     int64         `json:"size"`
	SHA256   string        `json:"sha256"`
	Metadata DocumentInput `json:"metadata"`
}

// DocumentQuery filters document lists (editor and archive).
type DocumentQuery struct {
	Kind        DocumentKind
	Partnership string
	Status      DocumentStatus
	SHA256      string
	Q           string
	YearFrom    int
	YearTo      int
	// AlsoIDs are documents that match the year range through the
	// agreement they record (its year), whatever their own date says.
	AlsoIDs []string
	Page    int
	PerPage int
}

// IncomingFile is a file arriving in an upload: its bytes, the type the
// client declared (may be empty) and its cleaned original name.
type IncomingFile struct {
	Body         io.Reader
	DeclaredType string
	Filename     string
}

// UploadTicket is what a client needs to put the bytes of a direct upload.
type UploadTicket struct {
	Upload    *Upload           `json:"upload"`
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}
