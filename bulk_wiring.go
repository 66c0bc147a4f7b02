package twincms

import (
	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/storage"
)

// openBulk wires the bulk ingests received over HTTP: the same ingest
// service (with its change hooks) and partnership store the API uses.
func (c *CMS) openBulk() {
	runner := &bulk.Runner{Ingest: c.ingest, Documents: c.documents, Partnerships: c.partnerships, Locales: c.locales(), Logger: c.logger}
	c.jobs = &bulk.Jobs{Store: storage.NewIngests(c.db), Runner: runner, NewID: storage.NewDocumentID,
		MaxBytes: c.cfg.MaxIngestBytes, Workers: bulk.DefaultWorkers, Logger: c.logger}
}
