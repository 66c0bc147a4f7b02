package app

import (
	"github.com/jesenice/twincms/internal/renditions"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/internal/thumbnails"
)

// thumbnailMaxBytes: originals larger than this keep their type icon
// (a first page is not worth copying a gigabyte scan to a temporary file).
const thumbnailMaxBytes = 512 << 20

// openThumbnails builds the background runner that makes documents'
// thumbnails (a PDF's first page with poppler's pdftoppm when it is on
// PATH, a scaled image otherwise possible), for new uploads and for
// documents stored before thumbnails existed.
func (a *App) openThumbnails() {
	r := thumbnails.FindRenderer()
	if r.PDFToPPM == "" {
		a.Logger.Info("PDF thumbnails unavailable: PDFs show a type icon (apt-get install poppler-utils)")
	}
	a.ThumbnailRunner = &thumbnails.Runner{Records: a.Documents, Leases: storage.NewLeases(a.DB), Objects: a.Objects,
		Renderer: r, Holder: holder(), Logger: a.Logger, Jobs: a.DocJobs, MaxBytes: thumbnailMaxBytes}
}

// openRenditions builds the background runner that makes the WebP
// renditions of crests stored before WebP existed.
func (a *App) openRenditions() {
	a.RenditionRunner = renditions.New(renditions.Deps{Records: a.Documents, Leases: storage.NewLeases(a.DB), Objects: a.Objects,
		Holder: holder(), Logger: a.Logger, Jobs: a.DocJobs, Every: textPoll})
}
