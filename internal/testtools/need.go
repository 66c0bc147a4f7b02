// Package testtools lets tests that drive Debian programs (poppler,
// Tesseract, xmllint) say so. twincms runs without them (text extraction
// reports "OCR unavailable"), and `go test ./...` on a machine with only
// Go must pass; .ci/run installs them and sets TWINCMS_TEST_TOOLS=required,
// so there a missing program fails the test instead of skipping it.
package testtools

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequiredEnv, set to "required", makes a missing program a failure.
const RequiredEnv = "TWINCMS_TEST_TOOLS"

// Need skips t (fails it under TWINCMS_TEST_TOOLS=required) unless every
// program is on PATH; install names the Debian packages that bring them.
func Need(t testing.TB, install string, programs ...string) {
	t.Helper()
	var missing []string
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := strings.Join(missing, ", ") + " not installed: apt-get install " + install
	if os.Getenv(RequiredEnv) == "required" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (.ci/run installs them and runs this test)")
}
