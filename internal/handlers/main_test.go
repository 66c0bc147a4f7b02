package handlers_test

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// The scenario tables (*_scenarios_test.go) drive each endpoint group over
// real HTTP against one shared server (apitest.Shared), started only when
// a scenario test runs: the package's unit and fuzz tests start nothing.
func TestMain(m *testing.M) {
	os.Exit(apitest.LazyMain(m, apitest.CoverNothing))
}
