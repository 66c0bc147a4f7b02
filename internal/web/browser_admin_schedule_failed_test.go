//go:build browser

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

// A schedule that failed says why in the interface language, not in the
// server's English: its version links a document purged since.
func TestBrowserAdminFailedScheduleInWords(t *testing.T) {
	s := apitest.Shared(t)
	ed := namedToken(t, "Vesna Urednica", "editor")
	doc := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("overview", "Pregled za načrt"), "pregled.pdf", "", apitest.PDFBytes(t.Name(), 900)), 201).Map(t)
	body := apitest.MinimalPartnership("neuspel-nacrt", "Neuspel načrt")
	body["documents"] = []map[string]string{{"document_id": doc["id"].(string), "role": "overview"}}
	rec := apitest.Create(t, s, ed, body)
	path := apitest.PartnershipPath(rec)
	s.RemoveAtEnd(t, path)
	apitest.PatchTo(t, s, ed, path, 1, map[string]any{"documents": []any{}})
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + doc["id"].(string) + "/purge", Token: apitest.AdminToken}), 204)
	sc := s.Schedule(t, ed, path, 2, map[string]any{"action": "publish", "at": apitest.RFC3339(time.Now().Add(2 * time.Second)), "version": 1})
	if done := s.WaitSchedule(t, ed, sc.ID); done.Status != "failed" {
		t.Fatalf("the schedule ended %q", done.Status)
	}

	u := newBrowser(t)
	u.signIn(ed)
	u.open("#/partnerships/" + rec["id"].(string))
	u.waitJS(`document.querySelector("#schedule-list li[data-status=failed]")`)
	li := u.text("#schedule-list li[data-status=failed]")
	if !strings.Contains(li, "ni uspelo") || !strings.Contains(li, "Te različice ni več mogoče objaviti") || strings.Contains(li, "the version") {
		t.Errorf("the failed schedule reads %q", li)
	}
}
