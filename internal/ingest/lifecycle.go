package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jesenice/twincms/models"
)

// The document lifecycle after ingest: describe (a new description, never
// a new file), withdraw, restore and purge. Every write, these and the
// two ways a document is created (Ingest, CompleteUpload), ends in one
// call of the service's change hook; nothing else tells the published
// snapshot, webhooks or the audit log that a document changed.

// CheckInput applies the rules of a document's description: the fields'
// own limits and that every partnership it names exists. Errors:
// models.ErrInvalid with field problems, ErrUnavailable.
func (s *Service) CheckInput(ctx context.Context, in models.DocumentInput) error {
	if err := in.Validate(s.Locales); err != nil {
		return err
	}
	var p models.Problems
	for i, id := range in.PartnershipIDs {
		if _, err := s.Partnerships.Get(ctx, id); errors.Is(err, models.ErrNotFound) {
			p.Add(models.FieldIndex("partnership_ids", i), "no partnership %s", id)
		} else if err != nil {
			return err
		}
	}
	if alt := in.Alternative; alt != nil && alt.DocumentID != "" {
		switch d, err := s.Records.Get(ctx, alt.DocumentID); {
		case errors.Is(err, models.ErrNotFound):
			p.Add("alternative.document_id", "no document %s", alt.DocumentID)
		case err != nil:
			return err
		case d.Status != models.DocumentActive:
			p.Add("alternative.document_id", "document %s is withdrawn", alt.DocumentID)
		case d.Kind == models.KindCrest:
			p.Add("alternative.document_id", "a crest is no alternative of a document")
		}
	}
	return p.Err(models.ErrInvalid)
}

// Describe replaces document id's description with what patch makes of
// the current one (the HTTP layer's merge patch), if expected is still
// its version. An unchanged description is no write. Errors:
// models.ErrNotFound, ErrStale, ErrInvalid, ErrMalformed (from patch),
// ErrUnavailable.
func (s *Service) Describe(ctx context.Context, id string, expected int64, patch func(models.DocumentInput) (models.DocumentInput, error)) (*models.Document, error) {
	d, err := s.current(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	cur := d.Input()
	in, err := patch(cur)
	if err != nil {
		return nil, err
	}
	if err := s.CheckInput(ctx, in); err != nil {
		return nil, err
	}
	if a := in.Alternative; a != nil && (a.DocumentID == id || a.Text && (cur.Alternative == nil || !cur.Alternative.Text) && !hasText(d)) {
		var p models.Problems
		if a.Text {
			p.Add("alternative.text", "the document has no extracted text (yet): see its text.status")
		} else {
			p.Add("alternative.document_id", "a document is no alternative of itself")
		}
		return nil, p.Err(models.ErrInvalid)
	}
	if in.Kind != cur.Kind && (in.Kind == models.KindCrest) != (cur.Kind == models.KindCrest) {
		var p models.Problems
		p.Add("kind", "cannot change to or from crest after upload (renditions depend on it)")
		return nil, p.Err(models.ErrInvalid)
	}
	changed := models.ChangedFields(cur, in)
	if len(changed) == 0 {
		return d, nil
	}
	d.Apply(in)
	w := write{event: models.EventMetadataChanged, detail: "changed: " + strings.Join(changed, ", "), action: models.ActionUpdate, before: d.Status, changed: changed}
	return s.replace(ctx, d, expected, w)
}

// Withdraw hides a document from the public and from downloads; its
// original is kept. A document published content shows is refused
// (models.InUseError, naming where): its page would lose it. Errors:
// models.ErrNotFound, ErrStale, ErrConflict (already withdrawn, or in
// use), ErrUnavailable.
func (s *Service) Withdraw(ctx context.Context, id string, expected int64) (*models.Document, error) {
	return s.setStatus(ctx, id, expected, models.DocumentWithdrawn)
}

// Restore makes a withdrawn document active again. Errors as Withdraw.
func (s *Service) Restore(ctx context.Context, id string, expected int64) (*models.Document, error) {
	return s.setStatus(ctx, id, expected, models.DocumentActive)
}

func (s *Service) setStatus(ctx context.Context, id string, expected int64, to models.DocumentStatus) (*models.Document, error) {
	d, err := s.current(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	if d.Status == to {
		return nil, fmt.Errorf("%w: the document is already %s", models.ErrConflict, to)
	}
	if to == models.DocumentWithdrawn {
		if err := s.notInUse(d.ID, "withdrawn"); err != nil {
			return nil, err
		}
	}
	w := write{event: models.EventRestored, action: models.ActionRestore, before: d.Status, changed: []string{"status"}}
	if to == models.DocumentWithdrawn {
		w.event, w.action = models.EventWithdrawn, models.ActionWithdraw
	}
	d.Status = to
	return s.replace(ctx, d, expected, w)
}

// current reads document id and checks expected against its version
// first: a stale tag is a precondition failure whatever the document's
// state (RFC 9110 §13.2.2).
func (s *Service) current(ctx context.Context, id string, expected int64) (*models.Document, error) {
	d, err := s.Records.GetCurrent(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Version != expected {
		return nil, fmt.Errorf("%w: you edited version %d, the current one is %d", models.ErrStale, expected, d.Version)
	}
	return d, nil
}

// write is what one new version of a document is: its event, its action
// for the change hook, the status before and the fields it changed.
type write struct {
	event   models.EventType
	detail  string
	action  models.Action
	before  models.DocumentStatus
	changed []string
}

// replace stores d as the next version with its event pending in the
// record, then settles the event into the history and tells the hook. A
// crash after the first write leaves the event pending, which the sweeper
// settles; a failed settle is logged and left to it likewise.
func (s *Service) replace(ctx context.Context, d *models.Document, expected int64, w write) (*models.Document, error) {
	if d.PendingEvent != nil {
		// Left by a crash after the last write: into the history first,
		// or this write's event would take its place in the record.
		if err := s.Records.SettleEvent(ctx, *d.PendingEvent); err != nil {
			return nil, err
		}
	}
	ev := models.Event{DocumentID: d.ID, Type: w.event, At: models.Now(), Actor: models.ActorFrom(ctx).Ref(), Detail: w.detail}
	saved, err := s.Records.Replace(ctx, d, expected, ev)
	if err != nil {
		return nil, err
	}
	if err := s.Records.SettleEvent(ctx, *saved.PendingEvent); err != nil {
		s.Logger.Warn("document event left pending; the sweeper will write it", "document", d.ID, "err", err)
	} else {
		saved.PendingEvent = nil
	}
	s.changed(ctx, saved, w.action, w.before, w.changed)
	return saved, nil
}

// Purge removes a document and its objects for good (admin). Its events
// stay, recording that it existed and who removed it. The order keeps a
// crash repairable: the purged event (fixed id) first, marking the purge
// as begun, then the record and its claim, then the objects (see
// Records.Delete and Sweep). A document published content shows is
// refused, as by Withdraw. Errors: models.ErrNotFound, ErrConflict (in
// use), ErrUnavailable, ErrInsufficientStorage.
func (s *Service) Purge(ctx context.Context, id string) error {
	d, err := s.Records.Get(ctx, id)
	if err != nil {
		return err
	}
	if err := s.notInUse(d.ID, "purged"); err != nil {
		return err
	}
	ev := models.Event{DocumentID: d.ID, Type: models.EventPurged, At: models.Now(), Actor: models.ActorFrom(ctx).Ref(),
		Detail: fmt.Sprintf("sha256 %s, %q", d.File.SHA256, d.File.OriginalFilename)}
	err = s.Records.Delete(ctx, d.ID, ev)
	if errors.Is(err, models.ErrInsufficientStorage) {
		// A full disk: purging is how an admin frees space, so the objects
		// go first, making room to remove the record and write its event.
		s.RemoveObjects(ctx, d.ID)
		err = s.Records.Delete(ctx, d.ID, ev)
	}
	if err != nil {
		return err
	}
	s.RemoveObjects(ctx, d.ID)
	gone := *d
	gone.Version = 0 // a purged document has no version
	s.changed(ctx, &gone, models.ActionPurge, d.Status, nil)
	return nil
}

// notInUse is the one rule keeping published pages whole: a document
// that published content shows (a crest, a listed document, an
// accessible alternative) is neither withdrawn nor purged; the error
// names every use, so the editor knows what to change first.
func (s *Service) notInUse(id, action string) error {
	if s.Uses == nil {
		return nil
	}
	if uses := s.Uses(id); len(uses) > 0 {
		return &models.InUseError{Action: action, Uses: uses}
	}
	return nil
}

// changed tells the hook of one stored write of document d.
func (s *Service) changed(ctx context.Context, d *models.Document, action models.Action, before models.DocumentStatus, fields []string) {
	c := models.Change{Resource: models.ResourceDocument, ID: d.ID, Key: d.File.OriginalFilename, Action: action, Version: d.Version,
		NewStatus: models.Status(d.Status), Changed: fields, Actor: models.ActorFrom(ctx),
		RequestID: models.RequestID(ctx), Client: models.Client(ctx), At: models.Now()}
	if action != models.ActionCreate {
		c.OldStatus = models.Status(before)
	}
	if action == models.ActionPurge {
		c.NewStatus = ""
	}
	s.Hooks.Changed(ctx, c)
}

// hasText tells whether d's text has been extracted (doctext.HasText).
func hasText(d *models.Document) bool {
	return d.Text != nil && d.Text.Status == models.TextDone && d.Text.Key != ""
}
