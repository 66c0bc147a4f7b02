package models

import "time"

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
