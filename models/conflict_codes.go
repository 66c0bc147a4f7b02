package models

import "strings"

// Conflict codes: stable names for why a request conflicts with the
// stored state (409), which a client says in its own language where the
// problem's detail is English for people reading the API. Like the field
// codes, a code never changes meaning.
const (
	ConflictAlreadyInState   = "already_in_state"  // published, archived, withdrawn … already
	ConflictVersionPublished = "version_published" // that version's content is what is published
	ConflictNoChanges        = "no_changes"        // published, with nothing unpublished to publish
	ConflictNoDraft          = "no_draft"          // no draft to discard
	ConflictNeverPublished   = "never_published"   // nothing published to compare with or fall back to
	ConflictWithdrawn        = "withdrawn"         // the document is withdrawn
	ConflictBusy             = "busy"              // the same work runs now (a backup, an audit, an extraction, the schedule)
	ConflictNotPending       = "not_pending"       // the schedule ran or was cancelled
	ConflictNoBackupTarget   = "no_backup_target"  // no TWINCMS_BACKUP_TARGET is set
	ConflictBackupsExternal  = "backups_external"  // the database is MongoDB: backups are made with its tools
	ConflictLastAdmin        = "last_admin"        // the last active admin cannot be disabled, demoted or deleted
	ConflictSSOAccount       = "sso_account"       // the account signs in through single sign-on
	ConflictUserDisabled     = "user_disabled"     // the user is disabled
	ConflictTOTPNotStarted   = "totp_not_started"  // confirm before the enrolment started
	ConflictNotUploaded      = "not_uploaded"      // a direct upload finished before its file was put
	ConflictFileChanged      = "file_changed"      // a file changed between its check and its storing
	ConflictOriginalDamaged  = "original_damaged"  // a stored original missing or not as its record says
	ConflictTaken            = "taken"             // a unique value another record holds
	ConflictDuplicate        = "duplicate_file"    // the bytes are stored already (duplicate_of names the document)
	ConflictInUse            = "in_use"            // published content uses the document (used_by names it)
	ConflictOther            = "conflict"          // any other
)

// ConflictCodes are every conflict code (openapi.json's enum).
var ConflictCodes = []string{ConflictAlreadyInState, ConflictVersionPublished, ConflictNoChanges, ConflictNoDraft,
	ConflictNeverPublished, ConflictWithdrawn, ConflictBusy, ConflictNotPending, ConflictNoBackupTarget,
	ConflictBackupsExternal, ConflictLastAdmin, ConflictSSOAccount, ConflictUserDisabled, ConflictTOTPNotStarted,
	ConflictNotUploaded, ConflictFileChanged, ConflictOriginalDamaged, ConflictTaken, ConflictDuplicate, ConflictInUse,
	ConflictOther}

// conflictRules classify a conflict's detail (our own fixed wording, see
// the fmt.Errorf calls wrapping ErrConflict); the first rule whose phrase
// the text contains wins.
var conflictRules = []struct{ phrase, code string }{
	{"is already taken", ConflictTaken},
	{"content is published already", ConflictVersionPublished},
	{"no unpublished changes", ConflictNoChanges},
	{"no draft to discard", ConflictNoDraft},
	{"never published", ConflictNeverPublished},
	{"is withdrawn", ConflictWithdrawn},
	{"is already", ConflictAlreadyInState},
	{"being extracted now", ConflictBusy},
	{"running right now", ConflictBusy},
	{"a backup is running", ConflictBusy},
	{"audit is running", ConflictBusy},
	{"no longer pending", ConflictNotPending},
	{"no backup target", ConflictNoBackupTarget},
	{"mongodump", ConflictBackupsExternal},
	{"last active admin", ConflictLastAdmin},
	{"single sign-on", ConflictSSOAccount},
	{"user is disabled", ConflictUserDisabled},
	{"start the enrolment first", ConflictTOTPNotStarted},
	{"nothing was uploaded yet", ConflictNotUploaded},
	{"changed after it was verified", ConflictFileChanged},
	{"no longer matches its record", ConflictOriginalDamaged},
	{"missing from the object store", ConflictOriginalDamaged},
	{"its record", ConflictOriginalDamaged},
}

// ConflictCode is the code of a conflict whose detail is text.
func ConflictCode(text string) string {
	for _, r := range conflictRules {
		if strings.Contains(text, r.phrase) {
			return r.code
		}
	}
	return ConflictOther
}
