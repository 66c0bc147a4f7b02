package models

import (
	"strconv"
	"strings"
)

// Field problem codes: stable names a client translates into its own
// language (the admin UI says them in Slovenian or English), where the
// detail text is English for people reading the API. A code never
// changes meaning; new kinds of problem get new codes.
const (
	CodeRequired      = "required"       // missing or empty
	CodeUnknownField  = "unknown_field"  // not a field of this body
	CodeReadOnly      = "read_only"      // set by the server
	CodeWrongType     = "wrong_type"     // a JSON string where a number belongs, …
	CodeTooLong       = "too_long"       // text over its length limit
	CodeTooMany       = "too_many"       // a list over its length limit
	CodeOutOfRange    = "out_of_range"   // a number or date outside its bounds
	CodeNotAllowed    = "not_allowed"    // not one of the values the field takes
	CodeDuplicate     = "duplicate"      // listed twice
	CodeCountry       = "country_code"   // not an ISO 3166-1 alpha-2 code
	CodeLanguage      = "language_code"  // not a language code
	CodeReference     = "reference"      // not an id or key of a stored record
	CodeDate          = "date_format"    // not a date or time in the expected form
	CodeNotFuture     = "not_in_future"  // a time that has passed
	CodeSlug          = "slug_format"    // not a-z, 0-9 and single hyphens
	CodeUnsafeHTML    = "unsafe_html"    // rich text with markup the sanitizer drops
	CodeUnknownLocale = "unknown_locale" // a content locale that is not configured
	CodeURL           = "url"            // not an absolute http(s) URL
	CodeEncoding      = "encoding"       // not valid UTF-8
	CodeHex           = "hex_format"     // not the expected hex digest or id
	CodeFileName      = "file_name"      // not a plain file name
	CodeMissingAlt    = "missing_alt"    // an image shown publicly without alt text in a locale
	CodeTaken         = "taken"          // a unique value another record holds (409)
	CodeInvalid       = "invalid"        // any other problem
)

// codeRules classify a problem's text (our own fixed wording, see the
// Problems.Add calls) into a code; the first rule whose phrase the text
// contains wins, so the more specific phrases come first.
var codeRules = []struct{ phrase, code string }{
	{"is not a known field", CodeUnknownField},
	{"is set by the server", CodeReadOnly},
	{"must be a json ", CodeWrongType},
	{"rich text must not contain", CodeUnsafeHTML},
	{"is not configured", CodeUnknownLocale},
	{"is required", CodeRequired},
	{"cannot be removed", CodeRequired},
	{"at least one", CodeRequired},
	{"must be in the future", CodeNotFuture},
	{"characters of a-z", CodeSlug},
	{"iso 3166", CodeCountry},
	{"language code", CodeLanguage},
	{"is listed twice", CodeDuplicate},
	{"must be a document id", CodeReference},
	{"must be a partnership id", CodeReference},
	{"must be a block key", CodeReference},
	{"existing version", CodeReference},
	{"hex characters", CodeHex},
	{"plain file name", CodeFileName},
	{"rfc 3339", CodeDate},
	{"yyyy", CodeDate},
	{"url", CodeURL},
	{"http or https", CodeURL},
	{"entries", CodeTooMany},
	{"is longer than", CodeTooLong},
	{"characters", CodeTooLong},
	{"utf-8", CodeEncoding},
	{"must be between", CodeOutOfRange},
	{"must be from", CodeOutOfRange},
	{"integer from", CodeOutOfRange},
	{"must not be before", CodeOutOfRange},
	{"must not be after", CodeOutOfRange},
	{"must fall in", CodeOutOfRange},
	{"must be within", CodeOutOfRange},
	{"positive number", CodeOutOfRange},
	{"must be one of", CodeNotAllowed},
	{"unknown area", CodeNotAllowed},
	{"is not a known", CodeNotAllowed},
	{"is not a document kind", CodeNotAllowed},
	{"is not an event", CodeNotAllowed},
	{"has no alt text", CodeMissingAlt}, // before " or ": "…, or mark it decorative"
	{" or ", CodeNotAllowed},            // "must be publish or unpublish", "must be draft, published or archived"
}

// problemCode is the stable code of a problem's text.
func problemCode(text string) string {
	lower := strings.ToLower(text)
	for _, r := range codeRules {
		if strings.Contains(lower, r.phrase) {
			return r.code
		}
	}
	return CodeInvalid
}

// FieldPointer turns a problem's field name ("agreements[0].year",
// "name.sl") into an RFC 6901 JSON Pointer into the request body
// ("/agreements/0/year", "/name/sl"); "body" (the whole body) is "".
func FieldPointer(field string) string {
	if field == "" || field == "body" {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(field, ".") {
		name, rest, _ := strings.Cut(part, "[")
		b.WriteString("/" + escapePointer(name))
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			if _, err := strconv.Atoi(idx); err == nil {
				b.WriteString("/" + idx)
			}
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return b.String()
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
