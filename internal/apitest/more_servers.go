package apitest

import (
	"testing"
	"time"
)

// Helpers that start more servers for a test: empty ones, and siblings on
// the same database and object store.

// Empty starts a server without demo content (counts start at 0) on a temp
// dir, stopped when the test ends; env adds settings.
func Empty(t testing.TB, env map[string]string) *Server {
	t.Helper()
	vars := map[string]string{"TWINCMS_DEMO": "false"}
	for k, v := range env {
		vars[k] = v
	}
	s, err := Start(t.TempDir(), vars)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Sibling starts a second instance on s's database and object store, as
// two replicas behind one load balancer would run; extra adds settings
// (extra wins). It is stopped when the test ends.
func (s *Server) Sibling(t testing.TB, extra map[string]string) *Server {
	t.Helper()
	in := s.CMS
	env := map[string]string{"TWINCMS_MONGODB_URI": in.EmbeddedDB.URI(), "TWINCMS_DEMO": "false"}
	if ext := ExternalS3Env(s.Cfg.DataDir); ext != nil {
		for k, v := range ext { // the same external store and bucket
			env[k] = v
		}
		env["TWINCMS_DEMO"] = "false" // the first instance has its content; ext turns demo on
	} else {
		k := s.S3Keys(t)
		env["TWINCMS_S3_ENDPOINT"], env["TWINCMS_S3_ACCESS_KEY"], env["TWINCMS_S3_SECRET_KEY"] = in.EmbeddedS3.Addr(), k["access"], k["secret"]
	}
	for k, v := range extra {
		env[k] = v
	}
	other, err := Start(t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	return other
}

// WaitFor polls cond until it holds, failing the test after limit.
func WaitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
