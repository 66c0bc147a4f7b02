package main

import (
	"crypto/rand"
	"encoding/hex"
	"os"
)

// externalS3Env points a test server at an external S3 server (the MinIO
// cluster .ci/run starts) when TWINCMS_TEST_S3_ENDPOINT is set, each
// server with a bucket of its own so tests stay apart; unset, the
// embedded versitygw serves. The same tests run against both.
func externalS3Env() map[string]string {
	endpoint := os.Getenv("TWINCMS_TEST_S3_ENDPOINT")
	if endpoint == "" {
		return nil
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return map[string]string{
		"TWINCMS_S3_ENDPOINT":   endpoint,
		"TWINCMS_S3_ACCESS_KEY": os.Getenv("TWINCMS_TEST_S3_ACCESS_KEY"),
		"TWINCMS_S3_SECRET_KEY": os.Getenv("TWINCMS_TEST_S3_SECRET_KEY"),
		// The bucket-policy user may use buckets named twincms-test-*.
		"TWINCMS_S3_BUCKET": "twincms-test-" + hex.EncodeToString(b),
		// Demo content is on by default only with the embedded store; the
		// shared server's tests rely on it.
		"TWINCMS_DEMO": "true",
	}
}
