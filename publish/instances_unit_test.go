package publish_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/storage"
)

// secondInstance starts another twincms on a's database and object
// store, as a second replica behind one load balancer runs (its own data
// directory: a's is locked).
func secondInstance(t *testing.T, a *apitest.Server) *apitest.Server {
	t.Helper()
	in := a.CMS.Internals()
	env := map[string]string{"TWINCMS_MONGODB_URI": in.EmbeddedDB.URI(), "TWINCMS_DEMO": "false"}
	if ext := apitest.ExternalS3Env(a.Cfg.DataDir); ext != nil {
		for k, v := range ext { // the same external store and bucket
			env[k] = v
		}
		env["TWINCMS_DEMO"] = "false"
	} else {
		b, err := os.ReadFile(filepath.Join(a.Cfg.DataDir, "s3-credentials.json"))
		if err != nil {
			t.Fatal(err)
		}
		var k struct{ Access, Secret string }
		if err := json.Unmarshal(b, &k); err != nil {
			t.Fatal(err)
		}
		env["TWINCMS_S3_ENDPOINT"], env["TWINCMS_S3_ACCESS_KEY"], env["TWINCMS_S3_SECRET_KEY"] = in.EmbeddedS3.Addr(), k.Access, k.Secret
	}
	b, err := apitest.Start(t.TempDir(), env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// waitForBody waits, within a bound generous for a loaded machine, until
// path on s answers 200 with a body containing want.
func waitForBody(t *testing.T, s *apitest.Server, path, want string) {
	t.Helper()
	within := 10 * publish.Staleness
	start := time.Now()
	for {
		r := s.Do(t, apitest.Req{Method: "GET", Path: path})
		if r.Status == 200 && bytes.Contains(r.Body, []byte(want)) {
			return
		}
		if time.Since(start) > within {
			t.Fatalf("after %v %s answers %d %s, want %q", within, path, r.Status, r.Body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Ten edits of published content on one instance reach a second instance
// on the same database each within the staleness, and the second applies
// each edit alone: it relists no published content (no full rebuild).
func TestASecondInstanceAppliesEditsWithoutARelist(t *testing.T) {
	a := apitest.Shared(t)
	b := secondInstance(t, a)
	ed := a.NewToken(t, "editor")
	key := "edited-elsewhere"
	blk := apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": key, "body": map[string]string{"sl": "<p>edit-00</p>"}}}), 201).Map(t)
	path := "/api/v1/blocks/" + blk["id"].(string)
	apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: ifMatch(1)}), 200)
	public := "/api/v1/public/blocks/" + key
	waitForBody(t, b, public, "edit-00")

	before := b.CMS.Internals().Published.Stats()
	for i := 1; i <= 10; i++ {
		edit := fmt.Sprintf("edit-%02d", i)
		apitest.Expect(t, a.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: ifMatch(int64(i + 1)),
			Body: map[string]any{"body": map[string]string{"sl": "<p>" + edit + "</p>"}}}), 200)
		waitForBody(t, a, public, edit) // read your writes
		waitForBody(t, b, public, edit)
	}
	after := b.CMS.Internals().Published.Stats()
	t.Logf("the second instance: %d full rebuilds, %d changes applied for 10 edits", after.Full-before.Full, after.Partial-before.Partial)
	if after.Full != before.Full {
		t.Errorf("the second instance relisted all published content %d times for 10 edits", after.Full-before.Full)
	}
	if after.Partial-before.Partial < 10 {
		t.Errorf("the second instance applied %d changes, want at least 10", after.Partial-before.Partial)
	}
}

// A new upload is referred to by no published content: it moves no
// shared change counter, so no instance hears of it.
func TestAnUploadDoesNotMoveTheContentCounter(t *testing.T) {
	a := apitest.Shared(t)
	changes := storage.NewChanges(a.CMS.Internals().DB)
	before, err := changes.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ed := a.NewToken(t, "editor")
	ct, body := apitest.Multipart(map[string]any{"kind": "scan", "title": map[string]string{"sl": "Neobjavljeno"}}, "unreferenced.pdf", "application/pdf",
		append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("unreferenced upload "), 50)...))
	apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents", Token: ed, Body: body,
		Headers: map[string]string{"Content-Type": ct}}), 201)
	after, err := changes.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("an upload nothing published refers to moved the content counter from %d to %d", before, after)
	}
}

func ifMatch(v int64) map[string]string { return map[string]string{"If-Match": fmt.Sprintf(`"%d"`, v)} }
