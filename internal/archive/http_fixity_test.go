package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/models"
)

// Fixity: single checks, audits over all originals, one audit at a time.

func TestFixityDetectsChangedAndMissingOriginals(t *testing.T) {
	dir := t.TempDir()
	s, err := apitest.Start(dir, map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	d := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Fiksnost"), "fiksnost.pdf", "", demo.PlaceholderPDF("fixity")), 201).Map(t)
	id := d["id"].(string)
	check := func() string {
		return apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/documents/" + id + "/fixity", Token: ar}), 200).Map(t)["type"].(string)
	}
	if got := check(); got != "fixity_ok" {
		t.Fatalf("fresh document: %s", got)
	}
	// Change one byte of the stored object in the embedded store's files.
	file := filepath.Join(dir, "objects", s.Cfg.S3Bucket, "originals", id)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0x01
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := check(); got != "fixity_failed" {
		t.Fatalf("after a changed byte: %s", got)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if got := check(); got != "fixity_failed" {
		t.Fatalf("after deletion: %s", got)
	}
	m := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/metrics"}), 200)
	if !strings.Contains(string(m.Body), `twincms_fixity_checks_total{result="failed"} 2`) {
		t.Fatalf("failures not in metrics")
	}
	run := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: ar}), 200).Map(t)
	if run["failed"].(float64) != 1 || run["checked"].(float64) != 1 || run["failed_ids"].([]any)[0] != id {
		t.Fatalf("audit: %v", run)
	}
	state := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/fixity", Token: ar}), 200).Map(t)
	if state["current"] != nil || state["last"].(map[string]any)["id"] != run["id"] {
		t.Fatalf("state: %v", state)
	}
}

// Two audits started at once on one database (two instances) run one at
// a time: one runs, the other is told an audit is running.
func TestAuditsOnOneDatabaseRunOneAtATime(t *testing.T) {
	shared := apitest.Shared(t)
	ar := shared.NewToken(t, "archivist") // before the other instance loads its tokens
	in, keys := shared.CMS, shared.S3Keys(t)
	other, err := apitest.Start(t.TempDir(), map[string]string{
		"TWINCMS_MONGODB_URI": in.EmbeddedDB.URI(), "TWINCMS_S3_ENDPOINT": in.EmbeddedS3.Addr(),
		"TWINCMS_S3_ACCESS_KEY": keys["access"], "TWINCMS_S3_SECRET_KEY": keys["secret"], "TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		statuses := make([]int, 2)
		for i, s := range []*apitest.Server{shared, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: ar}).Status
			}()
		}
		wg.Wait()
		ran := 0
		for _, st := range statuses {
			switch st {
			case 200:
				ran++
			case 409:
			default:
				t.Fatalf("status %d", st)
			}
		}
		// Either one ran while the other was refused, or (if the first
		// finished before the second asked) both ran one after the other.
		if ran == 0 {
			t.Fatalf("round %d: no audit ran: %v", round, statuses)
		}
		if ran == 1 {
			return
		}
	}
	t.Fatal("the two audits never overlapped; the lease was not exercised")
}

// An audit interrupted after its first document resumes after it: the
// next audit checks only the rest and finishes the same run.
func TestAuditResumesAfterInterruption(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	docs, err := s.CMS.Documents.All(ctx)
	if err != nil || len(docs) != 13 {
		t.Fatalf("%d demo documents (%v)", len(docs), err)
	}
	first := docs[0].ID
	for _, d := range docs {
		first = min(first, d.ID)
	}
	states := s.CMS.Fixity.States
	interrupted := models.FixityRun{ID: "interrupted", Checked: 1, OK: 1, LastID: first, FailedIDs: []string{}}
	if err := states.Save(ctx, models.FixityState{Current: &interrupted}); err != nil {
		t.Fatal(err)
	}
	run, err := s.CMS.Fixity.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != "interrupted" || run.Checked != 13 || run.OK != 13 || run.FinishedAt == nil {
		t.Fatalf("resumed run: %+v", run)
	}
	events, _ := s.CMS.Documents.Events(ctx, first)
	for _, e := range events {
		if e.Type == models.EventFixityOK {
			t.Fatal("the document checked before the interruption was checked again")
		}
	}
}
