package models

import "time"

// ClaimStale is how long a checksum claim is protected: one whose document
// has no record (an ingest in progress, or a crash) or is withdrawn (a
// restore in progress) blocks other uploads of the same bytes for this
// long. A claim this old with no record was left by a crash; one this old
// held by a withdrawn document was kept from before withdrawing released
// claims. Either may then be taken over.
const ClaimStale = 10 * time.Minute

// DuplicateError reports bytes that an active document already holds
// (SHA-256 is unique among active documents): an upload of them, or the
// restore of a withdrawn document whose bytes were uploaded again since.
type DuplicateError struct{ ExistingID string }

func (e *DuplicateError) Error() string {
	return "these bytes are already stored as document " + e.ExistingID
}

// DuplicateOf names the existing document (the problem's duplicate_of).
func (e *DuplicateError) DuplicateOf() string { return e.ExistingID }

// Unwrap makes a duplicate a conflict.
func (e *DuplicateError) Unwrap() error { return ErrConflict }
