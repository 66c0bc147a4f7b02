package models

import "time"

// FixityRun is one pass of the fixity audit over every document. It is
// saved as it goes, so an audit interrupted by a restart resumes after the
// last document it checked.
type FixityRun struct {
	ID         string     `json:"id" bson:"id"`
	StartedAt  time.Time  `json:"started_at" bson:"started_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty" bson:"finished_at,omitempty"`
	Holder     string     `json:"holder" bson:"holder"`
	Total      int        `json:"total" bson:"total"`
	Checked    int        `json:"checked" bson:"checked"`
	OK         int        `json:"ok" bson:"ok"`
	Failed     int        `json:"failed" bson:"failed"`
	Bytes      int64      `json:"bytes" bson:"bytes"`
	FailedIDs  []string   `json:"failed_ids" bson:"failed_ids"`
	LastID     string     `json:"last_id" bson:"last_id"`
}

// FixityState is what GET /archive/fixity shows: the run in progress, if
// any, and the last finished one.
type FixityState struct {
	Current *FixityRun `json:"current" bson:"current"`
	Last    *FixityRun `json:"last" bson:"last"`
}
