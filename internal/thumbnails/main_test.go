package thumbnails_test

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

func TestMain(m *testing.M) { os.Exit(apitest.LazyMain(m, apitest.CoverNothing)) }
