package content_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/models"
)

// services is a content service over the shared test server's stores
// (the real embedded FerretDB, the stores the server wires) whose only
// hook is a recorder, so the rules are tested without HTTP.
func services(t *testing.T) (*content.Services, *apitest.ChangeRecorder) {
	t.Helper()
	in := apitest.Shared(t).CMS
	rec := &apitest.ChangeRecorder{}
	return content.New(content.Config{Partnerships: in.Partnerships, Blocks: in.Blocks, Pages: in.Pages, Documents: in.Documents,
		Locales: models.Locales{Supported: []string{"sl", "en"}, Fallback: []string{"sl"}}, Hooks: models.Hooks{rec.Hook}}), rec
}

var editor = models.Actor{TokenID: "0123456789abcdef01234567", Name: "test editor"}

func partnership(slug string) *models.Partnership {
	return &models.Partnership{Slug: slug, Relation: models.RelationTwin,
		Partner: models.Partner{Name: models.Localized{"sl": "Mesto " + slug}, Country: "SI"}}
}

// Of concurrent patches of one version exactly one is stored and told; the
// others are stale and tell nothing.
func TestConcurrentPatchesOneWins(t *testing.T) {
	svc, rec := services(t)
	ctx := models.WithActor(context.Background(), editor)
	p, err := svc.Partnerships.Create(ctx, partnership("race-unit"))
	if err != nil {
		t.Fatal(err)
	}
	rec.Take()
	const n = 6
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := svc.Partnerships.Patch(ctx, p.ID, 1, map[string]json.RawMessage{"sort": []byte(fmt.Sprint(i + 1))})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	won := 0
	for err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, models.ErrStale):
			t.Fatalf("a losing patch: %v", err)
		}
	}
	got := rec.Take()
	if won != 1 || len(got) != 1 || got[0].Version != 2 || got[0].Action != models.ActionUpdate {
		t.Fatalf("%d patches won, hook told %+v", won, got)
	}
}

// Creating, patching to nothing and deleting: who, which version and which
// status reach the hook; the actor is recorded as "token:<id>".
func TestWritesTellTheHook(t *testing.T) {
	svc, rec := services(t)
	ctx := models.WithRequestID(models.WithClient(models.WithActor(context.Background(), editor), "192.0.2.7"), "req-1")
	b, err := svc.Blocks.Create(ctx, &models.Block{BlockKey: "unit-block", Body: models.Localized{"sl": "<p>Besedilo</p>"}})
	if err != nil {
		t.Fatal(err)
	}
	if b.CreatedBy != "token:"+editor.TokenID {
		t.Fatalf("created_by %q", b.CreatedBy)
	}
	same, err := svc.Blocks.Patch(ctx, b.ID, 1, map[string]json.RawMessage{"key": []byte(`"unit-block"`)})
	if err != nil || same.Version != 1 {
		t.Fatalf("no-op patch: %+v %v", same, err)
	}
	if err := svc.Blocks.Delete(ctx, b.ID, 2); !errors.Is(err, models.ErrStale) {
		t.Fatalf("stale delete: %v", err)
	}
	if err := svc.Blocks.Delete(ctx, b.ID, 1); err != nil {
		t.Fatal(err)
	}
	got := rec.Take()
	want := []models.Change{
		{Resource: models.ResourceBlock, ID: b.ID, Key: "unit-block", Action: models.ActionCreate, Version: 1, NewStatus: models.StatusDraft},
		{Resource: models.ResourceBlock, ID: b.ID, Key: "unit-block", Action: models.ActionDelete, OldStatus: models.StatusDraft},
	}
	if len(got) != len(want) {
		t.Fatalf("hook told %+v", got)
	}
	for i, w := range want {
		g := got[i]
		w.Actor, w.RequestID, w.Client, w.At = editor, "req-1", "192.0.2.7", g.At
		if g.At.IsZero() || fmt.Sprint(g) != fmt.Sprint(w) {
			t.Fatalf("change %d: %+v, want %+v", i, g, w)
		}
	}
}

// A partnership naming a document that does not exist is refused and
// nothing is stored or told.
func TestDanglingReferencesAreRefused(t *testing.T) {
	svc, rec := services(t)
	ctx := models.WithActor(context.Background(), models.Actor{Name: "import"})
	p := partnership("dangling")
	p.CrestID = "0123456789abcdef01234567"
	var ve *models.ValidationError
	if _, err := svc.Partnerships.Create(ctx, p); !errors.As(err, &ve) || ve.Problems[0].Field != "crest_id" {
		t.Fatalf("dangling crest: %v", err)
	}
	if _, err := svc.Partnerships.GetByKey(ctx, "dangling"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("refused partnership stored: %v", err)
	}
	if got := rec.Take(); len(got) != 0 {
		t.Fatalf("hook told of a refused write: %+v", got)
	}
}

// Transition takes only the publication actions.
func TestTransitionRefusesOtherActions(t *testing.T) {
	svc, _ := services(t)
	ctx := models.WithActor(context.Background(), editor)
	pg, err := svc.Pages.Create(ctx, &models.ContentPage{Slug: "unit-page", Title: models.Localized{"sl": "Stran"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Pages.Transition(ctx, pg.ID, 1, models.ActionRestore); !errors.Is(err, models.ErrMalformed) {
		t.Fatalf("restore as a transition: %v", err)
	}
	if p, err := svc.Pages.Transition(ctx, pg.ID, 1, models.ActionArchive); err != nil || p.Status != models.StatusArchived {
		t.Fatalf("archive: %+v %v", p, err)
	}
}
