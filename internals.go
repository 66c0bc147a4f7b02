package twincms

import (
	"github.com/jesenice/twincms/archive"
	"github.com/jesenice/twincms/audit"
	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/content"
	"github.com/jesenice/twincms/embedded"
	"github.com/jesenice/twincms/handlers"
	"github.com/jesenice/twincms/ingest"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/publish"
	"github.com/jesenice/twincms/schedule"
	"github.com/jesenice/twincms/storage"
	"github.com/jesenice/twincms/webhooks"
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
	Webhooks     *webhooks.Service
	Audit        *audit.Log
	Jobs         *bulk.Jobs
	Schedules    *schedule.Service
	// Changes are the change hook's subscribers after the published
	// snapshot (audit log, webhooks); a benchmark may swap them.
	Changes    *models.Hooks
	EmbeddedDB *embedded.DB
	EmbeddedS3 *embedded.S3
	Locales    models.Locales
}

// Internals returns the parts of c; see the type for who may use them.
func (c *CMS) Internals() Internals {
	return Internals{DB: c.db, Objects: c.objs, Tokens: c.tokens, Partnerships: c.partnerships, Blocks: c.blocks,
		Pages: c.pages, Documents: c.documents, Ingest: c.ingest, Content: c.content, Published: c.published, Fixity: c.fixity,
		Metrics: c.metrics, Webhooks: c.webhooks, Audit: c.audit, Jobs: c.jobs, Schedules: c.schedules, Changes: &c.changes, EmbeddedDB: c.embDB, EmbeddedS3: c.embS3, Locales: c.locales()}
}
