package models

import (
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// DocumentKind says what a stored file is.
type DocumentKind string

// Document kinds.
const (
	KindCharter     DocumentKind = "charter"
	KindAgreement   DocumentKind = "agreement"
	KindPublication DocumentKind = "publication"
	KindOverview    DocumentKind = "overview"
	KindCrest       DocumentKind = "crest"
	KindScan        DocumentKind = "scan"
)

// Valid reports whether k is a known kind.
func (k DocumentKind) Valid() bool {
	switch k {
	case KindCharter, KindAgreement, KindPublication, KindOverview, KindCrest, KindScan:
		return true
	}
	return false
}

// DocumentStatus: originals are never deleted by editors, only withdrawn.
type DocumentStatus string

// Document statuses.
const (
	DocumentActive    DocumentStatus = "active"
	DocumentWithdrawn DocumentStatus = "withdrawn"
)

// Document is one stored file and its archival description.
type Document struct {
	ID             string       `json:"id" bson:"_id"`
	Kind           DocumentKind `json:"kind" bson:"kind"`
	Title          Localized    `json:"title" bson:"title"`
	Language       string       `json:"language,omitempty" bson:"language,omitempty"`
	PartnershipIDs []string     `json:"partnership_ids" bson:"partnership_ids"`
	// Alt is the text alternative of an image, per locale (WCAG 1.1.1):
	// what a screen reader says instead of it. Description is a longer
	// description of an image or document, per locale.
	Alt         Localized `json:"alt,omitempty" bson:"alt,omitempty"`
	Description Localized `json:"description,omitempty" bson:"description,omitempty"`
	// Decorative marks an image that carries no information (alt="" on
	// the site); only such an image may be published without alt text.
	Decorative bool `json:"decorative" bson:"decorative"`
	// Rights is a rights statement URI (rightsstatements.org, a Creative
	// Commons licence), harvested as dc:rights.
	Rights     string         `json:"rights,omitempty" bson:"rights,omitempty"`
	File       FileFacts      `json:"file" bson:"file"`
	Renditions []Rendition    `json:"renditions" bson:"renditions"`
	Provenance Provenance     `json:"provenance" bson:"provenance"`
	Status     DocumentStatus `json:"status" bson:"status"`
	Version    int64          `json:"version" bson:"version"`
	CreatedAt  time.Time      `json:"created_at" bson:"created_at"`
	CreatedBy  string         `json:"created_by" bson:"created_by"`
	UpdatedAt  time.Time      `json:"updated_at" bson:"updated_at"`
	UpdatedBy  string         `json:"updated_by" bson:"updated_by"`
	// Text is what was extracted from the file (text layer or OCR), and
	// the state of that background job; nil until the job is queued.
	Text *TextFacts `json:"text,omitempty" bson:"text,omitempty"`
	// Format is the file's PRONOM identification; nil until identified.
	Format *FormatFacts `json:"format,omitempty" bson:"format,omitempty"`
	// Thumbnail is the small picture of the file made in the background
	// (package thumbnails); nil until made, and for crests (renditions).
	Thumbnail *ThumbnailFacts `json:"thumbnail,omitempty" bson:"thumbnail,omitempty"`
	Search    string          `json:"-" bson:"search"`
	// Year is the original date's year, stored for range filters.
	Year int `json:"-" bson:"year"`
	// PendingEvent is the event of the write that made this version, kept
	// in the record until it is in the history: record and event are
	// written as one, so a crash between the two writes loses nothing
	// (the sweeper appends what is still pending).
	PendingEvent *Event `json:"-" bson:"pending_event,omitempty"`

	// Alternative is the accessible alternative the editor attached.
	Alternative *Alternative `json:"alternative,omitempty" bson:"alternative,omitempty"`
	// Accessibility is what the server read from the file (PDFs only);
	// nil until the background check (internal/a11y) has read it.
	Accessibility *AccessibilityFacts `json:"accessibility,omitempty" bson:"accessibility,omitempty"`
}

// FileFacts are measured by the server while it stores the bytes.
type FileFacts struct {
	Key              string `json:"key" bson:"key"`
	Size             int64  `json:"size" bson:"size"`
	ContentType      string `json:"content_type" bson:"content_type"`
	SHA256           string `json:"sha256" bson:"sha256"`
	OriginalFilename string `json:"original_filename" bson:"original_filename"`
}

// Rendition is a web-sized copy of an image, made at upload.
type Rendition struct {
	Name        string `json:"name" bson:"name"` // "64", "256" (PNG); "64.webp", "256.webp" (WebP)
	Key         string `json:"key" bson:"key"`
	Width       int    `json:"width" bson:"width"`
	Height      int    `json:"height" bson:"height"`
	Size        int64  `json:"size" bson:"size"`
	ContentType string `json:"content_type" bson:"content_type"`
}

// Provenance is the archival description of where a document comes from.
type Provenance struct {
	Source       string `json:"source,omitempty" bson:"source,omitempty"`
	ArchivalRef  string `json:"archival_ref,omitempty" bson:"archival_ref,omitempty"`
	OriginalDate string `json:"original_date,omitempty" bson:"original_date,omitempty"`
	Custodian    string `json:"custodian,omitempty" bson:"custodian,omitempty"`
	Notes        string `json:"notes,omitempty" bson:"notes,omitempty"`
}

// DocumentInput is the editable description of a document: the metadata
// part of an upload and the body of a PATCH.
type DocumentInput struct {
	Kind           DocumentKind `json:"kind"`
	Title          Localized    `json:"title"`
	Language       string       `json:"language,omitempty"`
	PartnershipIDs []string     `json:"partnership_ids,omitempty"`
	Alt            Localized    `json:"alt,omitempty"`
	Description    Localized    `json:"description,omitempty"`
	Decorative     bool         `json:"decorative,omitempty"`
	Rights         string       `json:"rights,omitempty"`
	Alternative    *Alternative `json:"alternative,omitempty"`
	Provenance     Provenance   `json:"provenance"`
}

// Input returns the editable part of d.
func (d *Document) Input() DocumentInput {
	return DocumentInput{Kind: d.Kind, Title: d.Title, Language: d.Language, PartnershipIDs: d.PartnershipIDs,
		Alt: d.Alt, Description: d.Description, Decorative: d.Decorative, Rights: d.Rights, Alternative: d.Alternative, Provenance: d.Provenance}
}

// Apply copies the editable fields into d and refreshes derived ones.
func (d *Document) Apply(in DocumentInput) {
	d.Kind, d.Title, d.Language, d.Provenance = in.Kind, in.Title, in.Language, in.Provenance
	d.Alt, d.Description, d.Decorative, d.Rights = in.Alt, in.Description, in.Decorative, in.Rights
	d.Alternative = in.Alternative
	d.PartnershipIDs = in.PartnershipIDs
	if d.PartnershipIDs == nil {
		d.PartnershipIDs = []string{}
	}
	d.Year = d.Provenance.Year()
	d.Search = searchText(allLocales(d.Title), d.Provenance.ArchivalRef, d.File.OriginalFilename, d.Provenance.Source)
}

// ServerOwnedDocumentFields may never come from a client.
var ServerOwnedDocumentFields = []string{"id", "file", "renditions", "status", "version", "created_at", "created_by", "updated_at", "updated_by", "accessibility", "text", "format", "thumbnail"}

// Validate checks the description.
func (in DocumentInput) Validate(l Locales) error {
	var p Problems
	if !in.Kind.Valid() {
		p.Add("kind", "must be one of charter, agreement, publication, overview, crest, scan")
	}
	in.Title.check(&p, "title", l, true, maxTitleLen)
	if in.Language != "" && (len(in.Language) < 2 || len(in.Language) > 3 || strings.Trim(in.Language, "abcdefghijklmnopqrstuvwxyz") != "") {
		p.Add("language", "must be a language code such as sl or de")
	}
	in.Alt.check(&p, "alt", l, false, maxAltLen)
	in.Description.check(&p, "description", l, false, maxDescriptionLen)
	if in.Rights != "" {
		if problem := checkRightsURI(in.Rights); problem != "" {
			p.Add("rights", "%s", problem)
		}
	}
	switch a := in.Alternative; {
	case a == nil:
	case a.Text && a.DocumentID != "":
		p.Add("alternative", "give either document_id or text, not both")
	case !a.Text && !ValidID(a.DocumentID):
		p.Add("alternative.document_id", "must be a document id")
	}
	if len(in.PartnershipIDs) > maxListLen {
		p.Add("partnership_ids", "at most %d entries", maxListLen)
	}
	for i, id := range in.PartnershipIDs {
		if !ValidID(id) {
			p.Add(FieldIndex("partnership_ids", i), "must be a partnership id")
		}
	}
	for field, v := range map[string]string{"provenance.source": in.Provenance.Source, "provenance.archival_ref": in.Provenance.ArchivalRef,
		"provenance.custodian": in.Provenance.Custodian, "provenance.original_date": in.Provenance.OriginalDate} {
		if utf8.RuneCountInString(v) > 300 {
			p.Add(field, "is longer than 300 characters")
		}
	}
	if utf8.RuneCountInString(in.Provenance.Notes) > 5000 {
		p.Add("provenance.notes", "is longer than 5000 characters")
	}
	if d := in.Provenance.OriginalDate; d != "" && !validPartialDate(d) {
		p.Add("provenance.original_date", "must be YYYY, YYYY-MM or YYYY-MM-DD")
	}
	return p.Err(ErrInvalid)
}

// validPartialDate accepts the precision archives record dates with.
func validPartialDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil && len(s) == len(layout) {
			return t.Year() >= 1000 && t.Year() <= time.Now().Year()
		}
	}
	return false
}

// Year is the year of the original date, 0 when unknown.
func (p Provenance) Year() int {
	if len(p.OriginalDate) >= 4 {
		if t, err := time.Parse("2006", p.OriginalDate[:4]); err == nil {
			return t.Year()
		}
	}
	return 0
}

// CleanFilename returns the file name a client sent, or "" when it is not
// a plain, safe name: no directories or separators (a path trick is
// refused, not guessed at), no control characters, no leading dot, at
// most 255 bytes. Unicode letters are kept; bidi controls are dropped
// (StripBidi), so "rep\u202Efdp.exe" is stored as what it is, repfdp.exe.
func CleanFilename(name string) string {
	name = strings.TrimSpace(StripBidi(name))
	if strings.ContainsAny(name, "/\\") || name != path.Base(name) || name == "" || strings.HasPrefix(name, ".") || len(name) > 255 || !utf8.ValidString(name) {
		return ""
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == '/' || r == 0 {
			return ""
		}
	}
	return name
}

// Limits of a text alternative (short, as screen readers read it at once)
// and of a description.
const (
	maxAltLen         = 500
	maxDescriptionLen = 5000
)

// checkRightsURI accepts an absolute http(s) URI: a rights statement
// (http://rightsstatements.org/vocab/InC/1.0/) or a licence
// (https://creativecommons.org/licenses/by/4.0/).
func checkRightsURI(s string) string {
	if problem := checkWebURL(s); problem != "" {
		return "must be a rights statement or licence URI such as http://rightsstatements.org/vocab/InC/1.0/: " + problem
	}
	return ""
}

// MissingAlt lists the locales of want the image d has no alt text in;
// none when it is decorative.
func (d *Document) MissingAlt(want []string) []string {
	if d.Decorative {
		return nil
	}
	var missing []string
	for _, l := range want {
		if strings.TrimSpace(d.Alt[l]) == "" {
			missing = append(missing, l)
		}
	}
	return missing
}

// RenditionKey is the object key of document id's rendition name: a PNG
// rendition's name is its size, a WebP one's ends in ".webp".
func RenditionKey(id, name string) string {
	if strings.HasSuffix(name, ".webp") {
		return "renditions/" + id + "/" + name
	}
	return "renditions/" + id + "/" + name + ".png"
}
