// Package thumbnails makes the small pictures the media library and the
// document pickers show: a PDF's first page rendered by poppler's
// pdftoppm (optional, like OCR: without it a PDF keeps its type icon) or
// a scaled copy of an image. They are made in the background after
// ingest and for documents stored before thumbnails existed (Runner), and
// stored as objects beside the originals (models.ThumbnailKey). Crests
// need none: their PNG renditions (package media) are shown.
package thumbnails

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/jesenice/twincms/internal/media"
	"github.com/jesenice/twincms/models"
)

// Size is the thumbnail's bounding box in pixels: sharp in a 128-px card
// on a 2x screen.
const Size = 256

// maxPNG bounds what pdftoppm may write for one page at this size.
const maxPNG = 4 << 20

// renderTimeout bounds one page's rendering (a hostile PDF may loop).
const renderTimeout = 60 * time.Second

// errNoPicture: the file gives no picture (a type icon stays).
var errNoPicture = errors.New("no picture")

// Picture is one rendered thumbnail.
type Picture struct {
	PNG           []byte
	Width, Height int
	Source        string
}

// Renderer makes thumbnails; PDFToPPM is the program's path ("" when
// poppler is not installed: PDFs get none).
type Renderer struct {
	PDFToPPM string
}

// FindRenderer looks pdftoppm up on PATH.
func FindRenderer() Renderer {
	p, _ := exec.LookPath("pdftoppm")
	return Renderer{PDFToPPM: p}
}

// Makes tells whether a document of this type and kind gets a thumbnail
// from this renderer.
func (r Renderer) Makes(d *models.Document) bool {
	if d.Kind == models.KindCrest {
		return false // its renditions are its thumbnails
	}
	switch d.File.ContentType {
	case models.TypePDF:
		return r.PDFToPPM != ""
	case models.TypePNG, models.TypeJPEG, models.TypeWebP:
		return true
	}
	return false
}

// Render makes the thumbnail of the file in path, of contentType.
func (r Renderer) Render(ctx context.Context, path, contentType string) (Picture, error) {
	if contentType == models.TypePDF {
		return r.firstPage(ctx, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Picture{}, fmt.Errorf("%w: temporary file: %v", models.ErrUnavailable, err)
	}
	defer f.Close()
	rs, err := media.Renditions(f, contentType, []int{Size})
	if err != nil || len(rs) == 0 {
		return Picture{}, fmt.Errorf("the image could not be decoded")
	}
	return Picture{PNG: rs[0].PNG, Width: rs[0].Width, Height: rs[0].Height, Source: "image"}, nil
}

// firstPage renders page 1 of a PDF scaled to fit Size.
func (r Renderer) firstPage(ctx context.Context, path string) (Picture, error) {
	if r.PDFToPPM == "" {
		return Picture{}, errNoPicture
	}
	dir, err := os.MkdirTemp("", "twincms-thumb-")
	if err != nil {
		return Picture{}, fmt.Errorf("%w: temporary directory: %v", models.ErrUnavailable, err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	out := filepath.Join(dir, "page")
	cmd := exec.CommandContext(ctx, r.PDFToPPM, "-png", "-f", "1", "-l", "1", "-singlefile",
		"-scale-to", fmt.Sprint(Size), path, out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return Picture{}, fmt.Errorf("pdftoppm took longer than %s", renderTimeout)
		}
		return Picture{}, fmt.Errorf("pdftoppm could not render the first page: %s", firstLine(msg))
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		return Picture{}, fmt.Errorf("pdftoppm wrote no page")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPNG+1))
	if err != nil || len(b) > maxPNG {
		return Picture{}, fmt.Errorf("the rendered page is unreadable or too large")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return Picture{}, fmt.Errorf("pdftoppm wrote no PNG")
	}
	return Picture{PNG: b, Width: cfg.Width, Height: cfg.Height, Source: "pdftoppm"}, nil
}

// firstLine is a program's first line of output, short and printable.
func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
