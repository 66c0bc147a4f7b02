package main

import "testing"

// Whole-server tests: a store stopped under a running server, a server
// restarted on its data.

func TestReadinessFailsWhenObjectStoreStops(t *testing.T) {
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200)
	if err := s.srv.embS3.Close(); err != nil {
		t.Fatal(err)
	}
	r := s.do(t, req{Method: "GET", Path: "/readyz"})
	p := expectProblem(t, r, 503, "not-ready")
	checks := p["checks"].(map[string]any)
	if checks["object_store"] != "unavailable" || checks["database"] != "ok" {
		t.Fatalf("checks %v, want object_store unavailable and database ok", checks)
	}
	expect(t, s.do(t, req{Method: "GET", Path: "/healthz"}), 200)
}

func TestDataSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	editor := s.newToken(t, "editor")
	created := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/partnerships", Token: editor, Body: minimalPartnership("restart-town", "Restart")}), 201).Map(t)
	id := created["id"].(string)
	s3Addr := s.cfg.S3Addr
	s.close()

	s2, err := startTestServer(dir, map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_S3_ADDR": s3Addr})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.close()
	got := expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + id, Token: editor}), 200).Map(t)
	if got["slug"] != "restart-town" {
		t.Fatalf("after restart: %v", got)
	}
	expect(t, s2.do(t, req{Method: "GET", Path: "/readyz"}), 200)
}
