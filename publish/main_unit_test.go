package publish_test

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// TestMain routes the embedded S3 child (it re-executes this binary) and
// stops the shared server the instance tests start; the unit tests start
// nothing.
func TestMain(m *testing.M) {
	os.Exit(apitest.LazyMain(m, apitest.CoverNothing))
}
