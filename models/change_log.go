package models

// LoggedChange is one entry of the shared content change log: the value
// the content change counter took for a write, and what the write
// touched. Instances sharing a database read the entries past the value
// their published snapshot holds and re-read only what they name.
type LoggedChange struct {
	Seq      int64    `bson:"_id"`
	Resource Resource `bson:"resource"`
	ID       string   `bson:"id"`
}
