package publish_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/publish"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
)

// waitForBody waits, within a bound generous for a loaded machine, until
// path on s answers 200 with a body containing want.
func waitForBody(t *testing.T, s *apitest.Server, path, want string) {
	t.Helper()
	apitest.WaitFor(t, 10*publish.Staleness, path+" showing "+want, func() bool {
		r := s.Do(t, apitest.Req{Method: "GET", Path: path})
		return r.Status == 200 && bytes.Contains(r.Body, []byte(want))
	})
}

// Ten published edits of published content on one instance reach a second instance
// on the same database each within the staleness, and the second applies
// each edit alone: it relists no published content (no full rebuild).
func TestASecondInstanceAppliesEditsWithoutARelist(t *testing.T) {
	a := apitest.Shared(t)
	b := a.Sibling(t, nil)
	ed := a.NewToken(t, "editor")
	key := "edited-elsewhere"
	blk := apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": key, "body": map[string]string{"sl": "<p>edit-00</p>"}}}), 201).Map(t)
	path := "/api/v1/blocks/" + blk["id"].(string)
	a.RemoveAtEnd(t, path)
	apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	public := "/api/v1/public/blocks/" + key
	waitForBody(t, b, public, "edit-00")

	before := b.CMS.Published.Stats()
	for i := 1; i <= 10; i++ {
		edit := fmt.Sprintf("edit-%02d", i)
		// An edit of published content is a draft until published.
		apitest.Expect(t, a.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(2 * i),
			Body: map[string]any{"body": map[string]string{"sl": "<p>" + edit + "</p>"}}}), 200)
		apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(2*i + 1)}), 200)
		waitForBody(t, a, public, edit) // read your writes
		waitForBody(t, b, public, edit)
	}
	after := b.CMS.Published.Stats()
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
	changes := storage.NewChanges(a.CMS.DB)
	before, err := changes.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ed := a.NewToken(t, "editor")
	apitest.Expect(t, a.Upload(t, ed, apitest.DocMeta("scan", "Neobjavljeno"), "unreferenced.pdf", "application/pdf",
		apitest.PDFBytes("unreferenced upload", 1000)), 201)
	after, err := changes.Current(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("an upload nothing published refers to moved the content counter from %d to %d", before, after)
	}
}

// The change log on the embedded store: entries in counter order, each
// naming what a write touched; a prune keeps the newest.
func TestTheChangeLogOnTheEmbeddedStore(t *testing.T) {
	a := apitest.Shared(t)
	ctx := t.Context()
	log := storage.NewChangeLog(a.CMS.DB)
	ed := a.NewToken(t, "editor")
	blk := apitest.Expect(t, a.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/blocks", Token: ed,
		Body: map[string]any{"key": "logged-block", "body": map[string]string{"sl": "<p>v</p>"}}}), 201).Map(t)
	a.RemoveAtEnd(t, "/api/v1/blocks/"+blk["id"].(string))
	seq, err := log.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	es, err := log.Since(ctx, 0, seq)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(es); n == 0 || es[n-1].Seq != seq || es[n-1].Resource != models.ResourceBlock || es[n-1].ID != blk["id"] {
		t.Fatalf("the last entry of %v, want the block's create at %d", es, seq)
	}
	for i := 1; i < len(es); i++ {
		if es[i].Seq <= es[i-1].Seq {
			t.Fatalf("entries out of order: %v", es)
		}
	}
	if err := log.Prune(ctx, seq); err != nil {
		t.Fatal(err)
	}
	if es, err := log.Since(ctx, 0, seq); err != nil || len(es) != 1 || es[0].Seq != seq {
		t.Fatalf("after a prune below %d: %v, %v", seq, es, err)
	}
}
