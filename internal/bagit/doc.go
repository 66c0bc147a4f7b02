// Package bagit holds the BagIt packaging format itself (RFC 8493): the
// bag declaration (bagit.txt), payload manifests and tag manifests, the
// bag-info.txt metadata with its Payload-Oxum, and the rules for paths in
// a bag (relative, inside the bag, percent-encoded in manifest lines).
//
// It writes bags (Writer: a serialized bag streamed as a zip under one
// base directory, every file hashed while its bytes pass) and reads them
// (Verify: a bag checked completely against its manifests, every problem
// named). What goes into a bag and what a verified bag becomes is the
// business of its callers (archive export, bulk ingest).
//
// It imports only the standard library: nothing of this module.
package bagit
