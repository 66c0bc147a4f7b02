package models

import (
	"io"
	"time"
)

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
