package twincms

import (
	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/storage"
)

// Internals are the parts of an open CMS, for this module's tests and
// command-line tools: they check what the HTTP API cannot show (an
// object's bytes, the events of a purged document), stop an embedded
// server to see a failure handled, or seed benchmark data fast. A host has
// no need of them: they follow the module's packages and may change with
// them. EmbeddedDB and EmbeddedS3 are nil when the store is external.
type Internals struct {
	DB           *storage.DB
	Objects      *storage.Objects
	Tokens       *storage.Tokens
	Partnerships *storage.Partnerships
	Blocks       *storage.Blocks
	Pages        *storage.Pages
	Documents    *storage.Documents
	Ingest       *ingest.Service
	Content      *content.Services
	Published    *publish.Publisher
	Fixity       *archive.Fixity
	Metrics      *handlers.Metrics
	EmbeddedDB   *storage.EmbeddedDB
	EmbeddedS3   *storage.EmbeddedS3
	Locales      models.Locales
}

// Internals returns the parts of c; see the type for who may use them.
func (c *CMS) Internals() Internals {
	return Internals{DB: c.db, Objects: c.objs, Tokens: c.tokens, Partnerships: c.partnerships, Blocks: c.blocks,
		Pages: c.pages, Documents: c.documents, Ingest: c.ingest, Content: c.content, Published: c.published, Fixity: c.fixity,
		Metrics: c.metrics, EmbeddedDB: c.embDB, EmbeddedS3: c.embS3, Locales: c.locales()}
}
