package models

import "time"

// HarvestRecord is one record of the OAI-PMH repository (package oai): a
// published partnership or a public document as harvesters know it. It
// stays when its item leaves public view, marked deleted, so harvesters
// learn of withdrawals (persistent deleted records).
type HarvestRecord struct {
	// ID is the OAI identifier, oai:<repository>:<type>/<id>.
	ID string `bson:"_id"`
	// Datestamp is when the record last changed, in whole seconds (UTC).
	Datestamp time.Time `bson:"datestamp"`
	Deleted   bool      `bson:"deleted"`
	// Sets are the setSpecs the record is in, with their parents
	// ("partnership", "partnership:nagold"), so a set query is one match.
	Sets []string `bson:"sets"`
	// Hash fingerprints the metadata and sets: a change of either moves
	// the datestamp, a sync that changes nothing leaves it.
	Hash string `bson:"hash"`
}

// HarvestQuery selects harvest records: datestamps in [From, Until]
// (zero: open), Set (empty: all), after the key (AfterDate, AfterID) in
// (datestamp, id) order, at most Limit (0: all).
type HarvestQuery struct {
	From, Until time.Time
	Set         string
	AfterDate   time.Time
	AfterID     string
	Limit       int
}
