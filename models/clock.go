package models

import "time"

// Now is the time every record is stamped with (created_at, updated_at,
// event and claim times): UTC, cut to the millisecond that BSON dates
// keep, so a time read back from the database equals the one written.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }
