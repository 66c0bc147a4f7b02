// Package media makes web renditions of images (crests): small PNGs that
// the website can show without loading the original.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/HugoSmits86/nativewebp"
	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Rendition is one encoded, resized copy.
type Rendition struct {
	Name          string // the bounding size, "64" or "256"
	Width, Height int
	PNG           []byte
	// WebP is the same pixels as lossless WebP (CrestRenditions only;
	// nil where it would not be smaller than PNG).
	WebP []byte
}

// WebPName is the name of the WebP rendition of a size's PNG one: "64.webp".
func WebPName(name string) string { return name + ".webp" }

// Sizes are the bounding boxes of crest renditions.
var Sizes = []int{64, 256}

// maxPixels refuses decompression bombs: a crest has no need for more.
const maxPixels = 40_000_000

// Renditions decodes an image of contentType and returns it scaled to fit
// each size (never enlarged), as PNG.
func Renditions(r io.Reader, contentType string, sizes []int) ([]Rendition, error) {
	return renditions(r, contentType, sizes, false)
}

// CrestRenditions are a crest's web renditions: each of Sizes as PNG and
// as lossless WebP. Lossless, by HugoSmits86/nativewebp (pure Go, VP8L):
// crests are flat colours and sharp edges, which lossy VP8 blurs and
// which VP8L keeps exactly at a smaller size than PNG (docs/benchmarks.md:
// every demo crest); gen2brain/webp's lossy encoder, a WebAssembly
// libwebp, made files 2-4 times the PNG at these sizes.
func CrestRenditions(r io.Reader, contentType string) ([]Rendition, error) {
	return renditions(r, contentType, Sizes, true)
}

func renditions(r io.Reader, contentType string, sizes []int, withWebP bool) ([]Rendition, error) {
	var buf bytes.Buffer
	cfg, err := decodeConfig(io.TeeReader(r, &buf), contentType)
	if err != nil {
		return nil, err
	}
	if cfg.Width*cfg.Height > maxPixels || cfg.Width == 0 || cfg.Height == 0 {
		return nil, fmt.Errorf("image of %dx%d pixels cannot be rendered", cfg.Width, cfg.Height)
	}
	src, err := decode(io.MultiReader(&buf, r), contentType)
	if err != nil {
		return nil, err
	}
	out := make([]Rendition, 0, len(sizes))
	for _, size := range sizes {
		w, h := fit(cfg.Width, cfg.Height, size)
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
		var enc bytes.Buffer
		if err := png.Encode(&enc, dst); err != nil {
			return nil, err
		}
		rd := Rendition{Name: fmt.Sprint(size), Width: w, Height: h, PNG: enc.Bytes()}
		if withWebP {
			if rd.WebP, err = encodeWebP(dst, len(rd.PNG)); err != nil {
				return nil, err
			}
		}
		out = append(out, rd)
	}
	return out, nil
}

// encodeWebP encodes img as lossless WebP, or returns nil when that is
// not smaller than its PNG: the PNG alone serves then. (A colour-indexed
// WebP was tried for small crests: nativewebp premultiplies palette
// colours, which changes half-transparent edge pixels.)
func encodeWebP(img *image.NRGBA, pngSize int) ([]byte, error) {
	var b bytes.Buffer
	if err := nativewebp.Encode(&b, img, nil); err != nil {
		return nil, err
	}
	if b.Len() >= pngSize {
		return nil, nil
	}
	return b.Bytes(), nil
}

func fit(w, h, size int) (int, int) {
	if w <= size && h <= size {
		return w, h
	}
	if w >= h {
		return size, max(1, h*size/w)
	}
	return max(1, w*size/h), size
}

func decodeConfig(r io.Reader, contentType string) (image.Config, error) {
	switch contentType {
	case "image/png":
		return png.DecodeConfig(r)
	case "image/jpeg":
		return jpeg.DecodeConfig(r)
	case "image/webp":
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("no renditions for %s", contentType)
}

func decode(r io.Reader, contentType string) (image.Image, error) {
	switch contentType {
	case "image/png":
		return png.Decode(r)
	case "image/jpeg":
		return jpeg.Decode(r)
	case "image/webp":
		return webp.Decode(r)
	}
	return nil, fmt.Errorf("no renditions for %s", contentType)
}
