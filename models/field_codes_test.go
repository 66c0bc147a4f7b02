package models

import "testing"

// Every kind of problem the validators say gets a specific code (never
// the catch-all), so the UI can say it in the editor's language.
func TestProblemCodes(t *testing.T) {
	cases := map[string]string{
		"is not a known field":                        CodeUnknownField,
		"is set by the server and may not be sent":    CodeReadOnly,
		"must be a JSON integer, not number":          CodeWrongType,
		"rich text must not contain <script>":         CodeUnsafeHTML,
		`locale "fr" is not configured (have sl, en)`: CodeUnknownLocale,
		"is required":                       CodeRequired,
		"is required in the default locale": CodeRequired,
		"is required: an RFC 3339 time such as 2027-01-01T08:00:00+01:00":                      CodeRequired,
		"cannot be removed; send a new value":                                                  CodeRequired,
		"must name at least one event":                                                         CodeRequired,
		"must be in the future (publish now with the publish action)":                          CodeNotFuture,
		"must be 1 to 80 characters of a-z, 0-9 and single hyphens":                            CodeSlug,
		"must be an ISO 3166-1 alpha-2 country code":                                           CodeCountry,
		"must be a language code such as sl or de":                                             CodeLanguage,
		`area "culture" is listed twice`:                                                       CodeDuplicate,
		"must be a document id":                                                                CodeReference,
		"must be a partnership id (24 hex characters)":                                         CodeReference,
		"must be an existing version, 1 to 4":                                                  CodeReference,
		"must be 64 lowercase hex characters":                                                  CodeHex,
		"must be a plain file name without directories or control characters":                  CodeFileName,
		"must be an RFC 3339 time such as 2026-01-31T12:00:00Z":                                CodeDate,
		"must be a date as YYYY-MM-DD":                                                         CodeDate,
		"must be an absolute http or https URL":                                                CodeURL,
		"must use http or https":                                                               CodeURL,
		"at most 100 entries":                                                                  CodeTooMany,
		"is longer than 300 characters":                                                        CodeTooLong,
		"must be at most 100 characters on one line":                                           CodeTooLong,
		"must be valid UTF-8":                                                                  CodeEncoding,
		"must be between 1900 and 2026":                                                        CodeOutOfRange,
		"must fall in the agreement's year 1975":                                               CodeOutOfRange,
		"must not be before from":                                                              CodeOutOfRange,
		"must be a positive number of bytes":                                                   CodeOutOfRange,
		"must be one of twin, partner, friendship, cross_border":                               CodeNotAllowed,
		"must be publish or unpublish":                                                         CodeNotAllowed,
		`unknown area "x"`:                                                                     CodeNotAllowed,
		"is not a known sort order":                                                            CodeNotAllowed,
		"the crest 1 has no alt text in en: add alt.en to the document, or mark it decorative": CodeMissingAlt,
		"something new":                                                                        CodeInvalid,
	}
	for text, want := range cases {
		if got := problemCode(text); got != want {
			t.Errorf("%q: code %q, want %q", text, got, want)
		}
	}
}

func TestFieldPointer(t *testing.T) {
	for field, want := range map[string]string{
		"body": "", "slug": "/slug", "name.sl": "/name/sl", "agreements[0].year": "/agreements/0/year",
		"documents[12].document_id": "/documents/12/document_id", "a/b~c": "/a~1b~0c", "partner.country": "/partner/country",
	} {
		if got := FieldPointer(field); got != want {
			t.Errorf("%q: pointer %q, want %q", field, got, want)
		}
	}
}
