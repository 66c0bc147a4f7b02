package models

import "time"

// ThumbnailStatus is where a document's thumbnail stands.
type ThumbnailStatus string

// Thumbnail states. A document without thumbnail facts has not been
// looked at yet (or its kind gets none: a crest shows its renditions).
const (
	ThumbnailDone ThumbnailStatus = "done"
	// ThumbnailNone: the file gives no picture (a type icon is shown).
	ThumbnailNone ThumbnailStatus = "none"
	// ThumbnailFailed: rendering failed after its retries; Error says why.
	ThumbnailFailed ThumbnailStatus = "failed"
)

// ThumbnailFacts describe a small picture of a document for the media
// library and the pickers: a PDF's first page (poppler's pdftoppm) or a
// scaled image, stored as a PNG object beside the original.
type ThumbnailFacts struct {
	Status ThumbnailStatus `json:"status" bson:"status"`
	Width  int             `json:"width,omitempty" bson:"width,omitempty"`
	Height int             `json:"height,omitempty" bson:"height,omitempty"`
	Size   int64           `json:"size,omitempty" bson:"size,omitempty"`
	// SHA256 of the PNG: the thumbnail endpoints' ETag.
	SHA256 string `json:"-" bson:"sha256,omitempty"`
	Key    string `json:"-" bson:"key,omitempty"`
	// Source says how it was made: "pdftoppm", "image".
	Source    string    `json:"source,omitempty" bson:"source,omitempty"`
	Error     string    `json:"error,omitempty" bson:"error,omitempty"`
	Attempts  int       `json:"attempts" bson:"attempts"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`
}

// ThumbnailKey is the object key of a document's thumbnail (under the
// document's id, so the sweeper knows whose it is).
func ThumbnailKey(documentID string) string { return "thumbnails/" + documentID + "/256.png" }
