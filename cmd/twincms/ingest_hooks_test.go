package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// `twincms ingest` opens the CMS with the server's wiring, so what it
// stores passes every change hook: a server started afterwards on the
// same data finds one audit entry per stored document, created by the
// command's actor ("ingest"), naming exactly the documents the archive
// lists.
func TestIngestCommandWritesTheAuditLog(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	s3, err := apitest.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TWINCMS_DATA_DIR": data, "TWINCMS_S3_ADDR": s3, "TWINCMS_DEMO": "false"}
	for k, v := range apitest.ExternalS3Env(data) {
		env[k] = v
	}
	env["TWINCMS_DEMO"] = "false"
	for i := range 3 {
		body := fmt.Appendf(nil, "%%PDF-1.4\n%% audited ingest %d\n%%%%EOF\n", i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("zapisnik-%d.pdf", i)), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if code := run([]string{"ingest", dir}, func(k string) string { return env[k] }, &out, &out); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}

	s, err := apitest.Start(data, env)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var docs struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	apitest.Expect(t, apitest.Do(t, s.Base, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents", Token: apitest.AdminToken}), 200).JSON(t, &docs)
	var audit struct {
		Items []struct {
			Actor struct {
				Name string `json:"name"`
			} `json:"actor"`
			ResourceID string `json:"resource_id"`
		} `json:"items"`
	}
	apitest.Expect(t, apitest.Do(t, s.Base, apitest.Req{Method: "GET", Path: "/api/v1/audit?resource=document&action=create", Token: apitest.AdminToken}), 200).JSON(t, &audit)
	var stored, audited []string
	for _, d := range docs.Items {
		stored = append(stored, d.ID)
	}
	for _, e := range audit.Items {
		if e.Actor.Name != "ingest" {
			t.Fatalf("audit entry by %q, want the command's actor ingest", e.Actor.Name)
		}
		audited = append(audited, e.ResourceID)
	}
	slices.Sort(stored)
	slices.Sort(audited)
	if len(stored) != 3 || !slices.Equal(stored, audited) {
		t.Fatalf("stored %v, audited %v", stored, audited)
	}
}
