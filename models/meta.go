package models

import (
	"regexp"
	"time"
)

// Status is the publication state of content. Only the publish, unpublish
// and archive actions change it, never a request body.
type Status string

// Content statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusPublished || s == StatusArchived
}

// Action is a change applied to versioned content; it is recorded with
// every version so the history says why a version exists.
type Action string

// Actions recorded in version history.
const (
	ActionCreate    Action = "create"
	ActionUpdate    Action = "update"
	ActionPublish   Action = "publish"
	ActionUnpublish Action = "unpublish"
	ActionArchive   Action = "archive"
	ActionRestore   Action = "restore"
	// ActionDraftUpdate is an edit of a published record: it changes the
	// draft only; the public keeps the published version.
	ActionDraftUpdate Action = "draft_update"
	// ActionDiscardDraft drops the draft: the record's content becomes
	// its published version's again.
	ActionDiscardDraft Action = "discard_draft"
)

// StatusAfter is the status an action leads to; ok is false for actions
// that do not change status.
func (a Action) StatusAfter() (Status, bool) {
	switch a {
	case ActionCreate:
		return StatusDraft, true
	case ActionPublish:
		return StatusPublished, true
	case ActionUnpublish:
		return StatusDraft, true
	case ActionArchive:
		return StatusArchived, true
	}
	return "", false
}

// Meta is the server-owned part of every versioned content resource.
type Meta struct {
	ID          string     `json:"id" bson:"_id"`
	Status      Status     `json:"status" bson:"status"`
	Version     int64      `json:"version" bson:"version"`
	CreatedAt   time.Time  `json:"created_at" bson:"created_at"`
	CreatedBy   string     `json:"created_by" bson:"created_by"`
	UpdatedAt   time.Time  `json:"updated_at" bson:"updated_at"`
	UpdatedBy   string     `json:"updated_by" bson:"updated_by"`
	PublishedAt *time.Time `json:"published_at,omitempty" bson:"published_at,omitempty"`
	// PublishedVersion is the version whose content the public API and
	// the snapshot serve while the status is published (when unpublished
	// or archived: the one last published); nil when never published.
	PublishedVersion *int64 `json:"published_version" bson:"published_version"`
	// DraftVersion is the current version when its content is not the
	// published one (a working draft); nil when there is nothing to
	// publish. HasUnpublishedChanges says the same as a flag.
	DraftVersion          *int64 `json:"draft_version" bson:"draft_version"`
	HasUnpublishedChanges bool   `json:"has_unpublished_changes" bson:"has_unpublished_changes"`
}

// ServerOwnedFields are the JSON names a client may never send.
var ServerOwnedFields = []string{"id", "status", "version", "created_at", "created_by", "updated_at", "updated_by", "published_at",
	"published_version", "draft_version", "has_unpublished_changes"}

// GetMeta gives generic code access to the server-owned fields.
func (m *Meta) GetMeta() *Meta { return m }

// Content is what every versioned resource (partnership, block, page)
// offers to the generic storage and handlers.
type Content interface {
	GetMeta() *Meta
	// Key is the unique human key: a partnership's or page's slug, a block's key.
	Key() string
	// Normalize tidies values and computes derived fields (sort keys).
	Normalize()
	// Validate checks every rule; it returns a *ValidationError.
	Validate(r Rules) error
	// Sanitize makes rich text safe to insert into a page.
	Sanitize(r Rules)
}

// Rules are what a site configures about the content it accepts: its
// locales, and the other sites rich text may show images from (the
// zero ImageOrigins: none, only images served by twincms itself).
type Rules struct {
	Locales      Locales
	ImageOrigins ImageOrigins
}

// Prepare is the one path every write of content takes (API, demo,
// import): tidy, validate (refusing active content and other sites'
// images in rich text), then sanitize what is stored.
func (r Rules) Prepare(it Content) error {
	it.Normalize()
	if err := it.Validate(r); err != nil {
		return err
	}
	it.Sanitize(r)
	return nil
}

// Prepare prepares it under locales l with no image origins configured:
// for tools and tests that have no site configuration.
func Prepare(it Content, l Locales) error { return Rules{Locales: l}.Prepare(it) }

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a lowercase ASCII slug of 1..80 characters.
func ValidSlug(s string) bool { return len(s) <= 80 && slugPattern.MatchString(s) }

// checkSlug names field's problem when s is no slug: missing when empty
// (an editor who left it blank is told to fill it, not how to spell it).
func checkSlug(pr *Problems, field, s string) {
	switch {
	case s == "":
		pr.Add(field, "is required")
	case !ValidSlug(s):
		pr.Add(field, "must be 1 to 80 characters of a-z, 0-9 and single hyphens")
	}
}

var idPattern = regexp.MustCompile(`^[0-9a-f]{24}$`)

// ValidID reports whether s has the form of a server-made id (24 hex).
func ValidID(s string) bool { return idPattern.MatchString(s) }

// Version is one entry of a resource's history: a full snapshot, so any
// version can be shown or restored without replaying changes.
type Version[T any] struct {
	ResourceID string    `json:"resource_id" bson:"resource_id"`
	Version    int64     `json:"version" bson:"version"`
	Action     Action    `json:"action" bson:"action"`
	At         time.Time `json:"at" bson:"at"`
	By         string    `json:"by" bson:"by"`
	Changed    []string  `json:"changed" bson:"changed"`
	Snapshot   T         `json:"snapshot" bson:"snapshot"`
}

// ListQuery is the paging and filtering common to content lists. Filters
// that a resource does not have are ignored by its storage.
type ListQuery struct {
	Status Status
	// UnpublishedChanges, when set, keeps the records whose
	// has_unpublished_changes is that (true: drafts of new records and
	// published records with a draft).
	UnpublishedChanges *bool
	Relation           string
	Country            string
	Area               string
	Q                  string
	Sort               string
	Page               int
	PerPage            int
}

// List is one page of results as the list endpoints return it.
type List[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}
