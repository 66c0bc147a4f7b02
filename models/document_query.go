package models

// DocumentQuery filters document lists (editor and archive).
type DocumentQuery struct {
	Kind        DocumentKind
	Partnership string
	Status      DocumentStatus
	SHA256      string
	// PUID is a PRONOM format id (fmt/276).
	PUID     string
	Q        string
	YearFrom int
	YearTo   int
	// AlsoIDs are documents that match the year range through the
	// agreement they record (its year), whatever their own date says.
	AlsoIDs []string
	Page    int
	PerPage int
}
