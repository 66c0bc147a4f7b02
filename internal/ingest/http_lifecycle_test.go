package ingest_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/models"
)

// expectOneChange checks that exactly one change of document id passed
// the hook since the last check, and returns it.
func expectOneChange(t *testing.T, rec *apitest.ChangeRecorder, what, id string, action models.Action, r apitest.Resp) models.Change {
	t.Helper()
	c := rec.One(t, what)
	if c.ID != id || c.Action != action {
		t.Fatalf("%s: change %+v, want %s of %s", what, c, action, id)
	}
	if rid := r.Header.Get("X-Request-Id"); rid == "" || c.RequestID != rid {
		t.Errorf("%s: request id %q, the response's is %q", what, c.RequestID, rid)
	}
	if c.Actor.TokenID == "" || c.Client == "" || c.At.IsZero() {
		t.Errorf("%s: actor %+v, client %q, at %v: want who, from where and when", what, c.Actor, c.Client, c.At)
	}
	return c
}

// Every document write — upload, direct upload completed, describe,
// withdraw, restore, purge — passes the change hook exactly once, with
// who, which version, the statuses and the changed fields; refused
// writes and a describe that changes nothing pass it not at all.
func TestEveryDocumentWritePassesTheChangeHookOnce(t *testing.T) {
	s, rec := apitest.Recorded(t)
	ed := s.NewToken(t, "editor")

	const name = "kavelj-hook-once.pdf"
	up := s.Upload(t, ed, apitest.DocMeta("scan", "Kavelj"), name, "", apitest.PDFBytes("hook "+t.Name(), 40<<10))
	d := apitest.Expect(t, up, 201).Map(t)
	id := d["id"].(string)
	created := rec.Take()
	if len(created) != 1 || created[0].ID != id || created[0].Action != models.ActionCreate || created[0].Version != 1 ||
		created[0].NewStatus != "active" || created[0].Key != name || created[0].Actor.Ref() != d["created_by"] {
		t.Fatalf("upload: changes %+v, want one create of version 1 by %v", created, d["created_by"])
	}
	if rid := up.Header.Get("X-Request-Id"); created[0].RequestID != rid {
		t.Errorf("upload: request id %q, the response's is %q", created[0].RequestID, rid)
	}

	path := "/api/v1/documents/" + id
	r := s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"title": map[string]string{"en": "Hook"}, "provenance": map[string]string{"custodian": "Muzej"}}})
	apitest.Expect(t, r, 200)
	c := expectOneChange(t, rec, "describe", id, models.ActionUpdate, r)
	if c.Version != 2 || !slices.Equal(c.Changed, []string{"provenance", "title"}) || c.OldStatus != "active" || c.NewStatus != "active" {
		t.Fatalf("describe: %+v, want version 2 changing provenance and title", c)
	}
	// Nothing changed: no write, no change.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(2), Body: map[string]any{"title": map[string]string{"en": "Hook"}}}), 200)
	// Refused: stale, invalid. No change either.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(1)}), 412, "version-mismatch")
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Headers: apitest.IfMatch(2), Body: map[string]any{"kind": "poster"}}), 422, "validation-failed")
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("writes that stored nothing passed the hook: %+v", got)
	}

	r = s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(2)})
	apitest.Expect(t, r, 200)
	if c := expectOneChange(t, rec, "withdraw", id, models.ActionWithdraw, r); c.Version != 3 || c.OldStatus != "active" || c.NewStatus != "withdrawn" {
		t.Fatalf("withdraw: %+v", c)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: path, Token: ed, Headers: apitest.IfMatch(3)}), 409, "conflict")
	r = s.Do(t, apitest.Req{Method: "POST", Path: path + "/restore", Token: ed, Headers: apitest.IfMatch(3)})
	apitest.Expect(t, r, 200)
	if c := expectOneChange(t, rec, "restore", id, models.ActionRestore, r); c.Version != 4 || c.OldStatus != "withdrawn" || c.NewStatus != "active" {
		t.Fatalf("restore: %+v", c)
	}
	r = s.Do(t, apitest.Req{Method: "POST", Path: path + "/purge", Token: apitest.AdminToken})
	apitest.Expect(t, r, 204)
	if c := expectOneChange(t, rec, "purge", id, models.ActionPurge, r); c.Version != 0 || c.OldStatus != "active" || c.NewStatus != "" {
		t.Fatalf("purge: %+v", c)
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/purge", Token: apitest.AdminToken}), 404, "not-found")
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("a refused purge passed the hook: %+v", got)
	}

	// A direct upload passes the hook when it is completed, not started.
	direct := demo.PlaceholderPDF("Direct hook " + t.Name())
	ticket := apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "neposredno-hook-once.pdf", "size": len(direct), "sha256": apitest.SHA(direct), "metadata": apitest.DocMeta("overview", "Neposredno")}}), 201).Map(t)
	docID := ticket["upload"].(map[string]any)["document_id"].(string)
	if st := apitest.PutToTicket(t, ticket, direct); st != 200 {
		t.Fatalf("PUT to the signed URL: %d", st)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("starting an upload passed the hook: %+v", got)
	}
	r = s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + ticket["upload"].(map[string]any)["id"].(string) + "/complete", Token: ed})
	apitest.Expect(t, r, 201)
	if c := expectOneChange(t, rec, "complete", docID, models.ActionCreate, r); c.Version != 1 || c.Key != "neposredno-hook-once.pdf" {
		t.Fatalf("complete: %+v", c)
	}
}

// A crash between a describe's record write and its event loses
// nothing: the record carries the event as pending, the next write of
// the document or the sweeper puts it into the history, once.
func TestDescribeCutOffBeforeItsEventKeepsTheEvent(t *testing.T) {
	s, err := apitest.Start(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	eventTypes := func(id string) []string {
		evs, err := s.CMS.Documents.Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range evs {
			// The ingest's format identification is not what this is about.
			if e.Type != models.EventFormatIdentified {
				out = append(out, string(e.Type)+" "+e.Detail)
			}
		}
		return out
	}
	// crashDescribe is the first of a describe's writes alone, as a crash
	// right after it leaves the store.
	crashDescribe := func(id string, title string) {
		d, err := s.CMS.Documents.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		d.Title["en"] = title
		ev := models.Event{DocumentID: id, Type: models.EventMetadataChanged, At: models.Now(), Actor: "token:crash", Detail: "changed: title"}
		if _, err := s.CMS.Documents.Replace(ctx, d, d.Version, ev); err != nil {
			t.Fatal(err)
		}
	}
	upload := func(seed string) string {
		return apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", seed), "sken.pdf", "", apitest.PDFBytes(seed, 30<<10)), 201).Map(t)["id"].(string)
	}

	// Swept: the event is settled from the record.
	a := upload("swept")
	crashDescribe(a, "Swept")
	if evs := eventTypes(a); len(evs) != 1 {
		t.Fatalf("events before the sweep: %q", evs)
	}
	res, err := s.CMS.Ingest.Sweep(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.SettledEvents != 1 {
		t.Fatalf("sweep: %+v, want one settled event", res)
	}
	if evs := eventTypes(a); len(evs) != 2 || evs[1] != "metadata_changed changed: title" {
		t.Fatalf("events after the sweep: %q", evs)
	}

	// The next describe through the API comes first: both events stay, in order.
	b := upload("next write")
	crashDescribe(b, "Cut")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + b, Token: apitest.AdminToken, Headers: apitest.IfMatch(2),
		Body: map[string]any{"provenance": map[string]string{"custodian": "Muzej"}}}), 200)
	if evs := eventTypes(b); len(evs) != 3 || evs[1] != "metadata_changed changed: title" || evs[2] != "metadata_changed changed: provenance" {
		t.Fatalf("events after the next describe: %q", evs)
	}
	// A withdraw after a cut-off one likewise.
	crashDescribe(b, "Cut again")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + b, Token: apitest.AdminToken, Headers: apitest.IfMatch(4)}), 200)
	if evs := eventTypes(b); len(evs) != 5 || !strings.HasPrefix(evs[3], "metadata_changed") || !strings.HasPrefix(evs[4], "withdrawn") {
		t.Fatalf("events after the withdraw: %q", evs)
	}
	if again, _ := s.CMS.Ingest.Sweep(ctx, 0); again.SettledEvents != 0 {
		t.Fatalf("a second sweep settled again: %+v", again)
	}
	if evs := eventTypes(a); len(evs) != 2 {
		t.Fatalf("events of %s after a second sweep: %q", a, evs)
	}
}
