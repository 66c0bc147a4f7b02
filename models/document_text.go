package models

import "time"

// TextStatus is where a document's text extraction stands.
type TextStatus string

// Text extraction states. Queued and running are the job's; the others
// are final until the file is extracted again.
const (
	TextQueued  TextStatus = "queued"
	TextRunning TextStatus = "running"
	TextDone    TextStatus = "done"
	// TextNone: the file has no text to extract (an image without words, a
	// format that holds none).
	TextNone TextStatus = "none"
	// TextFailed: the extraction failed after its retries; Error says why.
	TextFailed TextStatus = "failed"
	// TextUnavailable: a scan, but OCR is not installed on this server
	// ("OCR unavailable"); it is queued again when OCR is.
	TextUnavailable TextStatus = "unavailable"
)

// Text sources.
const (
	TextSourceLayer = "text-layer"
	TextSourceOCR   = "ocr"
)

// TextFacts describe the text extracted from a document's file. The text
// itself is an object (Key) beside the original, so records stay small.
type TextFacts struct {
	Status        TextStatus `json:"status" bson:"status"`
	Source        string     `json:"source,omitempty" bson:"source,omitempty"`
	Engine        string     `json:"engine,omitempty" bson:"engine,omitempty"`
	EngineVersion string     `json:"engine_version,omitempty" bson:"engine_version,omitempty"`
	Languages     []string   `json:"languages,omitempty" bson:"languages,omitempty"`
	// Confidence is OCR's mean word confidence, 0 to 100 (absent for a
	// text layer).
	Confidence float64 `json:"confidence,omitempty" bson:"confidence,omitempty"`
	Pages      int     `json:"pages,omitempty" bson:"pages,omitempty"`
	Chars      int     `json:"chars,omitempty" bson:"chars,omitempty"`
	// Key is the object holding the UTF-8 text.
	Key string `json:"-" bson:"key,omitempty"`
	// Error is why the last attempt failed, in our words.
	Error     string    `json:"error,omitempty" bson:"error,omitempty"`
	Attempts  int       `json:"attempts" bson:"attempts"`
	UpdatedAt time.Time `json:"updated_at" bson:"updated_at"`
}

// TextKey is the object key of a document's extracted text.
func TextKey(documentID string) string { return "texts/" + documentID }

// FormatFacts are a file's PRONOM identification (siegfried).
type FormatFacts struct {
	// PUID is the PRONOM unique identifier, e.g. fmt/276 (PDF 1.7);
	// "UNKNOWN" when no signature matched.
	PUID    string `json:"puid" bson:"puid"`
	Name    string `json:"name" bson:"name"`
	Version string `json:"version,omitempty" bson:"version,omitempty"`
	MIME    string `json:"mime,omitempty" bson:"mime,omitempty"`
	// Basis is why siegfried chose it (the signature or extension matched).
	Basis string `json:"basis,omitempty" bson:"basis,omitempty"`
	// Tool names the identifier and its signature file.
	Tool         string    `json:"tool" bson:"tool"`
	IdentifiedAt time.Time `json:"identified_at" bson:"identified_at"`
}

// FormatIdentifiedEvent is the provenance event of a file's PRONOM
// identification (PREMIS "format identification"): one per document, so
// a retry writes it once. actor is who ingested the file (identification
// is part of the ingest) or the background job's name.
func FormatIdentifiedEvent(documentID, actor string, f *FormatFacts) Event {
	detail := f.PUID + " " + f.Name
	if f.Version != "" {
		detail += ", version " + f.Version
	}
	if f.Basis != "" {
		detail += " (" + f.Basis + ")"
	}
	return Event{ID: EventID(documentID, EventFormatIdentified), DocumentID: documentID, Type: EventFormatIdentified,
		At: f.IdentifiedAt, Actor: actor, Detail: detail + "; " + f.Tool}
}

// SearchHit is how a document matched a full-text query.
type SearchHit struct {
	Score float64 `json:"score"`
	// Snippet is escaped HTML: the text around the matches, each matched
	// word in a <mark> element.
	Snippet string   `json:"snippet"`
	Terms   []string `json:"terms"`
}

// DocumentMatch is a document found by a full-text query.
type DocumentMatch struct {
	*Document
	Search *SearchHit `json:"search,omitempty"`
}

// TextExtractionState is what GET /archive/text-extraction reports: which
// engines this instance has and how many documents are in each state.
type TextExtractionState struct {
	// OCR is false when Tesseract is not installed: scans are then
	// "unavailable" ("OCR unavailable") and PDFs with a text layer are
	// still read.
	OCR              bool       `json:"ocr"`
	OCREngine        string     `json:"ocr_engine,omitempty"`
	OCRLanguages     []string   `json:"ocr_languages"`
	DefaultLanguages []string   `json:"default_languages"`
	TextLayer        bool       `json:"text_layer"`
	TextLayerEngine  string     `json:"text_layer_engine,omitempty"`
	Documents        TextCounts `json:"documents"`
}

// TextCounts are active documents by text extraction state.
type TextCounts struct {
	Queued      int `json:"queued"`
	Running     int `json:"running"`
	Done        int `json:"done"`
	None        int `json:"none"`
	Failed      int `json:"failed"`
	Unavailable int `json:"unavailable"`
}
