package models

import "testing"

// Every conflict the services say gets a specific code (never the
// catch-all), so the UI can say it in the editor's language.
func TestConflictCodes(t *testing.T) {
	cases := map[string]string{
		`slug "valjevo" is already taken`:                                     ConflictTaken,
		"it is already published":                                             ConflictAlreadyInState,
		"the document is already withdrawn":                                   ConflictAlreadyInState,
		"the schedule is already done":                                        ConflictAlreadyInState,
		"version 3's content is published already":                            ConflictVersionPublished,
		"it is published and has no unpublished changes":                      ConflictNoChanges,
		"there is no draft to discard":                                        ConflictNoDraft,
		"it was never published; delete it instead":                           ConflictNeverPublished,
		"it was never published":                                              ConflictNeverPublished,
		"document 0123 is withdrawn":                                          ConflictWithdrawn,
		"the text of document 0123 is being extracted now":                    ConflictBusy,
		"the schedule is running right now":                                   ConflictBusy,
		"a backup is running (started 2026-12-07T07:00:00Z)":                  ConflictBusy,
		"a fixity audit is running on another instance":                       ConflictBusy,
		"the schedule is no longer pending":                                   ConflictNotPending,
		"no backup target: set TWINCMS_BACKUP_TARGET (a directory or s3://…)": ConflictNoBackupTarget,
		"built-in backups copy the embedded database; with MongoDB use mongodump --oplog (see production.md)": ConflictBackupsExternal,
		"this is the last active admin":                                    ConflictLastAdmin,
		"this account signs in through single sign-on":                     ConflictSSOAccount,
		"the user is disabled; enable it first":                            ConflictUserDisabled,
		"start the enrolment first":                                        ConflictTOTPNotStarted,
		"nothing was uploaded yet; PUT the file to the upload URL first":   ConflictNotUploaded,
		"the file changed after it was verified; nothing of it was stored": ConflictFileChanged,
		"document 0123: the stored original no longer matches its record":  ConflictOriginalDamaged,
		"the original of document 0123 is missing from the object store":   ConflictOriginalDamaged,
		"the original of document 0123 has 5 bytes, its record 6":          ConflictOriginalDamaged,
	}
	for text, want := range cases {
		if got := ConflictCode(text); got != want {
			t.Errorf("%q: code %q, want %q", text, got, want)
		}
	}
	if got := ConflictCode("something new"); got != ConflictOther {
		t.Errorf("an unknown conflict: %q", got)
	}
}
