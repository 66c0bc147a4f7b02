package app

import (
	"context"
	"path/filepath"
	"time"

	"github.com/jesenice/twincms/internal/doctext"
	"github.com/jesenice/twincms/internal/formats"
	"github.com/jesenice/twincms/internal/fulltext"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
	"github.com/prometheus/client_golang/prometheus"
)

// searchPoll bounds how long another instance's document write takes to
// be searchable here, on top of the document index's own poll.
const searchPoll = 2 * time.Second

// openSearch opens the full-text index (TWINCMS_SEARCH_INDEX) and the
// sync that keeps it caught up with the database; Run starts the sync.
func (a *App) openSearch() error {
	a.Texts = doctext.Texts{Objects: a.Objects}
	if a.Cfg.SearchIndex == "off" {
		return nil
	}
	dir := ""
	if a.Cfg.SearchIndex == "disk" {
		dir = filepath.Join(a.Cfg.DataDir, "search")
	}
	idx, err := fulltext.Open(dir)
	if err != nil {
		return err
	}
	a.SearchIndex = idx
	indexed := prometheus.NewCounter(prometheus.CounterOpts{Name: "twincms_search_indexed_total",
		Help: "Documents (re)indexed in the full-text index by this instance."})
	held := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "twincms_search_documents",
		Help: "Documents in this instance's full-text index."}, func() float64 { return float64(idx.Len()) })
	if a.Registerer != nil {
		for _, c := range []prometheus.Collector{indexed, held} {
			if err := a.Registerer.Register(c); err != nil {
				return err
			}
		}
	}
	a.SearchSync = fulltext.NewSync(fulltext.SyncConfig{Index: idx, Records: a.Documents, Texts: a.Texts, Names: a.PartnershipIndex,
		Logger: a.Logger, OnBatch: func(n, _ int) { indexed.Add(float64(n)) }})
	a.Search = &fulltext.Service{Index: idx, Docs: a.Documents, Sync: a.SearchSync}
	return nil
}

// searchChanged is the change hook's nudge to the full-text sync: a
// document or a partnership (its name is searched) was written here.
func (a *App) searchChanged(_ context.Context, ch models.Change) {
	if a.SearchSync != nil && (ch.Resource == models.ResourceDocument || ch.Resource == models.ResourcePartnership) {
		a.SearchSync.Wake()
	}
	if a.TextRunner != nil && ch.Resource == models.ResourceDocument {
		a.TextRunner.Wake()
	}
	if a.FormatRunner != nil && ch.Resource == models.ResourceDocument {
		a.FormatRunner.Wake()
	}
	if a.ThumbnailRunner != nil && ch.Resource == models.ResourceDocument {
		a.ThumbnailRunner.Wake()
	}
	if a.RenditionRunner != nil && ch.Resource == models.ResourceDocument {
		a.RenditionRunner.Wake()
	}
}

// openFormats builds PRONOM identification (siegfried, its signature
// file embedded) and the background runner that identifies the documents
// stored before it, or whose identification at ingest ran out of time.
func (a *App) openFormats() {
	a.Formats = formats.Stored{Identifier: formats.NewIdentifier(), Objects: a.Objects}
	a.FormatRunner = &formats.Runner{Records: a.Documents, Leases: storage.NewLeases(a.DB), Stored: a.Formats,
		Holder: holder(), Logger: a.Logger, Jobs: a.DocJobs, OnIdentified: func() {
			if a.SearchSync != nil {
				a.SearchSync.Wake()
			}
		}}
}

// openText builds the text extraction runner over the programs found on
// PATH (pdftotext and pdftoppm from poppler-utils, tesseract): without
// them twincms runs all the same and reports "OCR unavailable".
func (a *App) openText(ctx context.Context) error {
	m, err := doctext.NewMetrics(a.Registerer)
	if err != nil {
		return err
	}
	tools := doctext.FindTools(ctx)
	if !tools.OCR() || tools.PDFToPPM == "" {
		a.Logger.Warn("OCR unavailable: scans get no text (apt-get install tesseract-ocr tesseract-ocr-slv … poppler-utils)",
			"tesseract", tools.Tesseract != "", "pdftoppm", tools.PDFToPPM != "", "pdftotext", tools.PDFToText != "")
	}
	a.TextRunner = &doctext.Runner{Records: a.Documents, Leases: storage.NewLeases(a.DB), Originals: a.Objects, Texts: a.Texts,
		Tools: tools, Languages: a.Cfg.OCRLanguages, Holder: holder(), Logger: a.Logger, NewID: storage.NewDocumentID, Metrics: m, Jobs: a.DocJobs,
		OnText: func() {
			if a.SearchSync != nil {
				a.SearchSync.Wake()
			}
		}}
	return nil
}
