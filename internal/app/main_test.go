package app_test

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// The whole-system benchmarks (BenchmarkScale, BenchmarkBulkIngest) open
// servers of their own through the composition root.
func TestMain(m *testing.M) { os.Exit(apitest.LazyMain(m, apitest.CoverNothing)) }
