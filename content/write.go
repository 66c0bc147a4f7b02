package content

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jesenice/twincms/models"
)

// Create validates it and stores it as a draft at version 1.
func (s *Service[T, P]) Create(ctx context.Context, it P) (P, error) {
	if err := s.prepare(ctx, it); err != nil {
		return nil, err
	}
	saved, err := s.store.Create(ctx, it, models.ActorFrom(ctx).Ref())
	if err != nil {
		return nil, err
	}
	s.changed(ctx, saved, models.ActionCreate, "", nil)
	return saved, nil
}

// Patch applies a JSON merge patch (RFC 7396) to the editable fields of
// version expected of id. A patch that changes nothing stores nothing and
// returns the current version.
func (s *Service[T, P]) Patch(ctx context.Context, id string, expected int64, patch map[string]json.RawMessage) (P, error) {
	cur, err := s.editable(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	next, err := applyPatch[T, P](cur, patch)
	if models.PartlyDecoded(err) {
		return nil, models.MergeProblems(err, s.prepare(ctx, next))
	}
	if err != nil {
		return nil, err
	}
	return s.update(ctx, cur, next)
}

// Update makes next's editable fields those of version expected of id
// (import and demo loading send whole records). Like Patch, a record that
// changes nothing stores nothing.
func (s *Service[T, P]) Update(ctx context.Context, id string, expected int64, next P) (P, error) {
	cur, err := s.editable(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	*next.GetMeta() = *cur.GetMeta()
	return s.update(ctx, cur, next)
}

func (s *Service[T, P]) update(ctx context.Context, cur, next P) (P, error) {
	if err := s.prepare(ctx, next); err != nil {
		return nil, err
	}
	changed := models.ChangedFields(cur, next)
	if len(changed) == 0 {
		return cur, nil // nothing to record
	}
	// An edit of a published record is a draft (models.Meta.EditAction).
	return s.replace(ctx, cur, next, cur.GetMeta().EditAction(), changed, 0)
}

// Transition publishes, unpublishes or archives version expected of id;
// ErrConflict when it has that status already (a published record with a
// draft publishes the draft). Unpublish and archive change the published
// state and keep the draft.
func (s *Service[T, P]) Transition(ctx context.Context, id string, expected int64, act models.Action) (P, error) {
	target, ok := act.StatusAfter()
	if !ok || act == models.ActionCreate {
		return nil, fmt.Errorf("%w: %s is not a publication action", models.ErrMalformed, act)
	}
	cur, err := s.editable(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	m := cur.GetMeta()
	changed := []string{"status"}
	if act == models.ActionPublish {
		if err := m.CanPublish(); err != nil {
			return nil, err
		}
		if m.Status == models.StatusPublished {
			changed, err = s.draftFields(ctx, cur)
			if err != nil {
				return nil, err
			}
		}
	} else if m.Status == target {
		return nil, fmt.Errorf("%w: it is already %s", models.ErrConflict, target)
	}
	next := P(new(T))
	*next = *cur
	return s.replace(ctx, cur, next, act, changed, 0)
}

// DiscardDraft drops the draft of version expected of id: its content
// becomes the published version's again, as a new version. ErrConflict
// when there is no draft or nothing was ever published.
func (s *Service[T, P]) DiscardDraft(ctx context.Context, id string, expected int64) (P, error) {
	cur, err := s.editable(ctx, id, expected)
	if err != nil {
		return nil, err
	}
	m := cur.GetMeta()
	if err := m.CanDiscardDraft(); err != nil {
		return nil, err
	}
	pub, err := s.store.Version(ctx, id, *m.PublishedVersion)
	if err != nil {
		return nil, err
	}
	next := P(&pub.Snapshot)
	*next.GetMeta() = *m
	return s.replace(ctx, cur, next, models.ActionDiscardDraft, models.ChangedFields(cur, next), 0)
}

// draftFields are the fields in which cur's draft differs from its
// published version.
func (s *Service[T, P]) draftFields(ctx context.Context, cur P) ([]string, error) {
	m := cur.GetMeta()
	if m.PublishedVersion == nil {
		return []string{"status"}, nil
	}
	pub, err := s.store.Version(ctx, m.ID, *m.PublishedVersion)
	if err != nil {
		return nil, err
	}
	return models.ChangedFields(P(&pub.Snapshot), cur), nil
}

// Restore makes version n's content the new current version; the status
// stays as it is (restoring text does not publish it).
func (s *Service[T, P]) Restore(ctx context.Context, id string, n, expected int64) (P, error) {
	cur, next, changed, err := s.fromVersion(ctx, id, n, expected)
	if err != nil {
		return nil, err
	}
	return s.replace(ctx, cur, next, models.ActionRestore, changed, 0)
}

// PublishVersion publishes exactly version n's content (a schedule's
// frozen version), even when the draft has moved on since: the public
// gets n's content and the record keeps the newer draft as its draft
// (models.Meta.Advance). ErrConflict when n's content is published
// already.
func (s *Service[T, P]) PublishVersion(ctx context.Context, id string, n, expected int64) (P, error) {
	cur, frozen, changed, err := s.fromVersion(ctx, id, n, expected)
	if err != nil {
		return nil, err
	}
	m := cur.GetMeta()
	if len(changed) == 0 { // the draft is n's content: publish it
		if err := m.CanPublish(); err != nil {
			return nil, fmt.Errorf("%w: version %d's content is published already", models.ErrConflict, n)
		}
		next := P(new(T))
		*next = *cur
		return s.replace(ctx, cur, next, models.ActionPublish, []string{"status"}, 0)
	}
	if m.Status == models.StatusPublished && m.PublishedVersion != nil {
		if pub, err := s.store.Version(ctx, id, *m.PublishedVersion); err == nil && len(models.ChangedFields(P(&pub.Snapshot), frozen)) == 0 {
			return nil, fmt.Errorf("%w: version %d's content is published already", models.ErrConflict, n)
		}
	}
	next := P(new(T))
	*next = *cur
	return s.replace(ctx, cur, next, models.ActionPublish, []string{"status", "published_version"}, n)
}

// fromVersion is the current version (checked against expected) and version
// n's content prepared to replace it, with the fields that differ.
func (s *Service[T, P]) fromVersion(ctx context.Context, id string, n, expected int64) (cur, next P, changed []string, err error) {
	if cur, err = s.editable(ctx, id, expected); err != nil {
		return nil, nil, nil, err
	}
	old, err := s.store.Version(ctx, id, n)
	if err != nil {
		return nil, nil, nil, err
	}
	next = P(&old.Snapshot)
	*next.GetMeta() = *cur.GetMeta()
	if err := s.prepare(ctx, next); err != nil {
		return nil, nil, nil, err
	}
	return cur, next, models.ChangedFields(cur, next), nil
}

// replace stores next as the version after cur and tells the hook; the
// new version's status and draft pointers follow act (models.Meta.Advance;
// publishes as there).
func (s *Service[T, P]) replace(ctx context.Context, cur, next P, act models.Action, changed []string, publishes int64) (P, error) {
	old := cur.GetMeta().Status
	next.GetMeta().Advance(act, cur.GetMeta().Version+1, publishes)
	if s.publishable != nil && act == models.ActionPublish {
		if err := s.publishable(ctx, next); err != nil {
			return nil, err
		}
	}
	saved, err := s.store.Replace(ctx, next, cur.GetMeta().Version, act, models.ActorFrom(ctx).Ref(), changed)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, saved, act, old, changed)
	return saved, nil
}

// Delete removes version expected of id with its history.
func (s *Service[T, P]) Delete(ctx context.Context, id string, expected int64) error {
	cur, err := s.editable(ctx, id, expected)
	if err != nil {
		return err
	}
	if err := s.store.Delete(ctx, id, expected); err != nil {
		return err
	}
	s.hooks.Changed(ctx, s.change(ctx, cur, models.ActionDelete, models.Now()))
	return nil
}

// changed tells the hook of a stored write: saved is the new version.
func (s *Service[T, P]) changed(ctx context.Context, saved P, act models.Action, old models.Status, fields []string) {
	m := saved.GetMeta()
	c := s.change(ctx, saved, act, m.UpdatedAt)
	c.Version, c.OldStatus, c.NewStatus, c.Changed = m.Version, old, m.Status, fields
	s.hooks.Changed(ctx, c)
}

// change is the Change of it with who, where and when; for a deletion it
// is the last version, whose status was the old one.
func (s *Service[T, P]) change(ctx context.Context, it P, act models.Action, at time.Time) models.Change {
	m := it.GetMeta()
	return models.Change{Resource: s.resource, ID: m.ID, Key: it.Key(), Action: act, OldStatus: m.Status,
		Actor: models.ActorFrom(ctx), RequestID: models.RequestID(ctx), Client: models.Client(ctx), At: at}
}
