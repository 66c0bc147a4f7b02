package handlers_test

import (
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// problemNaming is what a 400 problem that names one field holds (the
// harness checks its media type and shape against the document).
func problemNaming(field string) []string {
	return []string{`"type":"urn:twincms:problem:malformed-request"`, `"status":400`, `"field":"` + field + `"`}
}

// The archive refuses a year range that ends before it starts, and every
// other malformed filter, instead of answering an empty list.
func TestArchiveQueryParametersAreChecked(t *testing.T) {
	s := apitest.Shared(t)
	ar := apitest.Bearer(s.NewToken(t, "archivist"))
	const list = "/api/v1/archive/documents?"
	apitest.RunScenarios(t, s.Base, []apitest.Scenario{
		{Name: "year range ends before it starts", URL: list + "year_from=2000&year_to=1990", Headers: ar, Status: 400, Contains: problemNaming("year_from")},
		{Name: "year not a number", URL: list + "year_from=abc", Headers: ar, Status: 400, Contains: problemNaming("year_from")},
		{Name: "year of five digits", URL: list + "year_to=99999", Headers: ar, Status: 400, Contains: problemNaming("year_to")},
		{Name: "year with a sign", URL: list + "year_from=+1990", Headers: ar, Status: 400, Contains: problemNaming("year_from")},
		{Name: "page 0", URL: list + "page=0", Headers: ar, Status: 400, Contains: problemNaming("page")},
		{Name: "per_page over 100", URL: list + "per_page=101", Headers: ar, Status: 400, Contains: problemNaming("per_page")},
		{Name: "per_page negative", URL: list + "per_page=-1", Headers: ar, Status: 400, Contains: problemNaming("per_page")},
		{Name: "sha256 not hex", URL: list + "sha256=xyz", Headers: ar, Status: 400, Contains: problemNaming("sha256")},
		{Name: "unknown status", URL: list + "status=gone", Headers: ar, Status: 400, Contains: problemNaming("status")},
		{Name: "unknown kind", URL: list + "kind=poster", Headers: ar, Status: 400, Contains: problemNaming("kind")},
		{Name: "partnership not an id", URL: list + "partnership=nope", Headers: ar, Status: 400, Contains: problemNaming("partnership")},
		{Name: "q over 100 characters", URL: list + "q=" + strings.Repeat("a", 101), Headers: ar, Status: 400, Contains: problemNaming("q")},
		{Name: "q not UTF-8", URL: list + "q=%FF%FE", Headers: ar, Status: 400, Contains: problemNaming("q")},
		{Name: "a one-year range", URL: list + "year_from=1990&year_to=1990", Headers: ar, Status: 200},
	})
}
