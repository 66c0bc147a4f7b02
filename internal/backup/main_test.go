package backup

import (
	"os"
	"testing"

	"github.com/jesenice/twincms/internal/embedded"
)

// TestMain lets this test binary be the embedded versitygw child that
// the S3 target's tests start as their backup server.
func TestMain(m *testing.M) {
	embedded.RunS3ChildIfRequested()
	os.Exit(m.Run())
}
