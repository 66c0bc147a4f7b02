package models

import "strings"

// DocumentUse is one place where published content shows a document: a
// published partnership's crest, an agreement's text, an entry of its
// document list, or the accessible alternative of a document it shows.
type DocumentUse struct {
	Resource Resource  `json:"resource"`
	ID       string    `json:"id"`
	Slug     string    `json:"slug"`
	Name     Localized `json:"name"`
	// Role is how the document is used there: crest, agreement, document,
	// alternative.
	Role string `json:"role"`
}

// Use roles.
const (
	UseCrest       = "crest"
	UseAgreement   = "agreement"
	UseDocument    = "document"
	UseAlternative = "alternative"
)

// InUseError refuses withdrawing or purging a document that published
// content shows: the public page would lose it. The problem (409) lists
// the uses in used_by.
type InUseError struct {
	Action string // "withdrawn", "purged"
	Uses   []DocumentUse
}

func (e *InUseError) Error() string {
	names := make([]string, 0, len(e.Uses))
	for _, u := range e.Uses {
		n := u.Name["sl"]
		if n == "" {
			n = u.Slug
		}
		names = append(names, n+" ("+u.Role+")")
	}
	return ErrConflict.Error() + ": the document cannot be " + e.Action + " while published content uses it: " +
		strings.Join(names, ", ") + "; unpublish it there or pick another document first"
}

// UsedBy lists the uses (the problem's used_by).
func (e *InUseError) UsedBy() []DocumentUse { return e.Uses }

// Unwrap makes it a conflict.
func (e *InUseError) Unwrap() error { return ErrConflict }
