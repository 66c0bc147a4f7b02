// Package backup makes, verifies and restores backups of an embedded
// twincms: the FerretDB SQLite database copied with SQLite's online backup
// API (a consistent snapshot read inside one read transaction while the
// service writes, not a file copy), then every object in the bucket (from
// the embedded versitygw's directory, see objectReader), as a
// BagIt bag (RFC 8493) with a SHA-256 for every file, the twincms version
// and the migration level.
//
// Consistency: the database is copied first, in one read transaction, so
// every write acknowledged before the backup started is in it; objects
// are immutable by key (originals/<id>, renditions/<id>/<size>.png) and
// are written before the record naming them, so every object the snapshot
// names exists when the objects are listed afterwards, and purges hold off
// removing objects while a backup runs (Source.Hold). Objects written
// after the snapshot may be in the backup too; nothing refers to them and
// the sweeper removes them after a restore.
//
// A target (a directory or an S3 bucket) keeps objects once, by SHA-256,
// under pool/; each backup is a bag under its id. A directory bag's
// objects are hard links into the pool (each backup a complete bag on
// disk); an S3 bag lists them in objects.jsonl and is fetched into a
// directory to be verified or restored. An object whose key, size and
// ETag match the previous backup's, and whose pool copy exists, is not
// sent again (incremental). bagit.txt is written last: a backup cut short
// is no bag, and verify and restore refuse it.
package backup
