package oai_test

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// srv is this package's server: the demo content, lists of 3 records a
// page so that a harvest crosses several resumption tokens.
var srv *apitest.Server

func TestMain(m *testing.M) {
	os.Exit(apitest.Main(m, map[string]string{"TWINCMS_OAI_PAGE_SIZE": "3"}, func(s *apitest.Server) { srv = s }, apitest.CoverNothing))
}
