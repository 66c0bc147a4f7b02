package models

import (
	"strconv"
	"time"
)

// Claim reserves a file's SHA-256 for one document. It is taken after the
// bytes were hashed and before the record is written, and its key is the
// checksum itself, so of two uploads of the same bytes (on one instance or
// on two sharing a database) exactly one wins the database's unique _id;
// the other is told duplicate_of. Purge releases it; a withdrawn document
// keeps it.
type Claim struct {
	SHA256     string    `json:"sha256" bson:"_id"`
	DocumentID string    `json:"document_id" bson:"document_id"`
	ClaimedAt  time.Time `json:"claimed_at" bson:"claimed_at"`
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
