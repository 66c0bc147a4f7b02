package models

import "fmt"

// The draft rules of versioned content, in one place. The stored record
// is the working copy (what editors read and change); the published
// content is the history's snapshot of PublishedVersion. So an edit of a
// published record is a draft until it is published, and the public API
// keeps serving the published version meanwhile.

// Advance sets m's status and draft pointers for version next, made by
// act. publishes is the version a publish makes public: 0 (or next) for
// the new version's own content; an earlier version for a scheduled
// publish of a frozen version while the draft moved on, which stays the
// draft.
func (m *Meta) Advance(act Action, next, publishes int64) {
	if st, ok := act.StatusAfter(); ok {
		m.Status = st
	}
	switch act {
	case ActionCreate:
		m.PublishedVersion, m.DraftVersion = nil, ptr(next)
	case ActionPublish:
		if publishes == 0 || publishes == next {
			m.PublishedVersion, m.DraftVersion = ptr(next), nil
		} else {
			m.PublishedVersion, m.DraftVersion = ptr(publishes), ptr(next)
		}
	case ActionDiscardDraft:
		m.DraftVersion = nil
	case ActionUnpublish, ActionArchive:
		// The published state changes; a draft stays a draft (now at next).
		if m.DraftVersion != nil {
			m.DraftVersion = ptr(next)
		}
	default: // update, draft_update, restore: the content changed
		m.DraftVersion = ptr(next)
	}
	m.HasUnpublishedChanges = m.DraftVersion != nil
}

// EditAction is the action an edit of a record with m is recorded as:
// draft_update when the record is published (the edit is a draft),
// update otherwise.
func (m *Meta) EditAction() Action {
	if m.Status == StatusPublished {
		return ActionDraftUpdate
	}
	return ActionUpdate
}

// CanPublish reports whether publishing m changes what the public sees:
// ErrConflict when it is published with no draft.
func (m *Meta) CanPublish() error {
	if m.Status == StatusPublished && m.DraftVersion != nil {
		return nil
	}
	if m.Status == StatusPublished {
		return fmt.Errorf("%w: it is published and has no unpublished changes", ErrConflict)
	}
	return nil
}

// CanDiscardDraft reports whether m has a draft to drop and a published
// version to fall back to; ErrConflict otherwise.
func (m *Meta) CanDiscardDraft() error {
	if m.DraftVersion == nil {
		return fmt.Errorf("%w: there is no draft to discard", ErrConflict)
	}
	if m.PublishedVersion == nil {
		return fmt.Errorf("%w: it was never published; delete it instead", ErrConflict)
	}
	return nil
}

// PublishedFrom is the published content of a record given its working copy
// cur and the snapshot of its published version (nil when cur's content
// is the published one): the snapshot's content with the status and the
// publication time of cur.
func PublishedFrom[T any, P interface {
	*T
	GetMeta() *Meta
}](cur P, published *T) P {
	if published == nil {
		return cur
	}
	out := P(published)
	m, c := out.GetMeta(), cur.GetMeta()
	m.Status, m.PublishedAt, m.PublishedVersion, m.DraftVersion = c.Status, c.PublishedAt, c.PublishedVersion, nil
	m.HasUnpublishedChanges = false
	return out
}

// ServesSnapshot reports whether the published content of m is another
// version's snapshot rather than the record itself.
func (m *Meta) ServesSnapshot() bool {
	return m.Status == StatusPublished && m.PublishedVersion != nil && *m.PublishedVersion != m.Version
}

func ptr(v int64) *int64 { return &v }
