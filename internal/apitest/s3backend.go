package apitest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
)

// ExternalS3Env points a test server at an external S3 server (the MinIO
// cluster .ci/run starts) when TWINCMS_TEST_S3_ENDPOINT is set, with a
// bucket per data directory so tests stay apart and a restarted server
// finds its objects again; unset, the embedded versitygw serves. The same
// tests run against both.
func ExternalS3Env(dataDir string) map[string]string {
	endpoint := os.Getenv("TWINCMS_TEST_S3_ENDPOINT")
	if endpoint == "" {
		return nil
	}
	b := sha256.Sum256([]byte(dataDir))
	return map[string]string{
		"TWINCMS_S3_ENDPOINT":   endpoint,
		"TWINCMS_S3_ACCESS_KEY": os.Getenv("TWINCMS_TEST_S3_ACCESS_KEY"),
		"TWINCMS_S3_SECRET_KEY": os.Getenv("TWINCMS_TEST_S3_SECRET_KEY"),
		// The bucket-policy user may use buckets named twincms-test-*.
		"TWINCMS_S3_BUCKET": "twincms-test-" + hex.EncodeToString(b[:6]),
		// Demo content is on by default only with the embedded store; the
		// shared server's tests rely on it.
		"TWINCMS_DEMO": "true",
	}
}
