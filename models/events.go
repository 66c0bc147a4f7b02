package models

import (
	"strconv"
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
	// EventFormatIdentified records the PRONOM identification of the file.
	EventFormatIdentified EventType = "format_identified"
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

// EventID is the fixed id of a document's event that happens at most once
// (ingested, purged). Writing it twice, by a retry or by the sweeper
// repairing an interrupted ingest, is then a harmless duplicate.
func EventID(documentID string, t EventType) string { return documentID + "-" + string(t) }

// VersionEventID is the fixed id of the event that a document's version
// was written with (metadata_changed, withdrawn, restored): each version
// has exactly one, so the record can carry it as pending and the sweeper
// can write it after a crash without ever writing it twice.
func VersionEventID(documentID string, version int64) string {
	return documentID + "-v" + strconv.FormatInt(version, 10)
}
