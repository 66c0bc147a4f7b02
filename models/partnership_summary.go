package models

// PartnershipSummary is what archivists see of a partnership to filter by
// or export, and what the archive's year search needs of its agreements.
type PartnershipSummary struct {
	ID      string `bson:"_id"`
	Slug    string `bson:"slug"`
	Status  Status `bson:"status"`
	Sort    int    `bson:"sort"`
	NameKey string `bson:"name_key"`
	Partner struct {
		Name Localized `bson:"name"`
	} `bson:"partner"`
	Agreements []AgreementRef `bson:"agreements"`
}

// AgreementRef is an agreement's year and the document recording it.
type AgreementRef struct {
	DocumentID string `bson:"document_id"`
	Year       int    `bson:"year"`
}
