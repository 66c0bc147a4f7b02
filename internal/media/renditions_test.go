package media_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/media"
	"golang.org/x/image/webp"
)

// Every demo crest's WebP renditions decode to exactly the pixels of its
// PNG ones (lossless) and are smaller; the sizes are logged for the note
// (go test -v -run WebP ./internal/media).
func TestCrestWebPRenditionsAreLosslessAndSmaller(t *testing.T) {
	site, err := demo.Jesenice()
	if err != nil {
		t.Fatal(err)
	}
	if len(site.Crests) == 0 {
		t.Fatal("no demo crests")
	}
	var pngTotal, webpTotal, withoutWebP int
	for _, c := range site.Crests {
		rs, err := media.CrestRenditions(bytes.NewReader(c.PNG()), "image/png")
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != len(media.Sizes) {
			t.Fatalf("%s: %d renditions", c.Partnership, len(rs))
		}
		for _, r := range rs {
			p, err := png.Decode(bytes.NewReader(r.PNG))
			if err != nil {
				t.Fatal(err)
			}
			if r.WebP == nil {
				// Not smaller than the PNG: none is kept, the PNG serves.
				t.Logf("%-12s %4s px: PNG %6d B, no WebP (lossless would not be smaller)", c.Partnership, r.Name, len(r.PNG))
				withoutWebP++
				continue
			}
			w, err := webp.Decode(bytes.NewReader(r.WebP))
			if err != nil {
				t.Fatalf("%s %s: the WebP does not decode: %v", c.Partnership, r.Name, err)
			}
			if w.Bounds() != p.Bounds() || w.Bounds().Dx() != r.Width || w.Bounds().Dy() != r.Height {
				t.Fatalf("%s %s: WebP %v, PNG %v, recorded %dx%d", c.Partnership, r.Name, w.Bounds(), p.Bounds(), r.Width, r.Height)
			}
			if x, y, ok := samePixels(p, w); !ok {
				t.Fatalf("%s %s: pixel (%d,%d) differs: not lossless: %v %v", c.Partnership, r.Name, x, y, p.At(x, y), w.At(x, y))
			}
			if len(r.WebP) >= len(r.PNG) {
				t.Errorf("%s %s: WebP %d bytes, PNG %d", c.Partnership, r.Name, len(r.WebP), len(r.PNG))
			}
			t.Logf("%-12s %4s px: PNG %6d B, WebP %6d B (%.0f%%)", c.Partnership, r.Name, len(r.PNG), len(r.WebP), 100*float64(len(r.WebP))/float64(len(r.PNG)))
			pngTotal, webpTotal = pngTotal+len(r.PNG), webpTotal+len(r.WebP)
		}
	}
	t.Logf("renditions with WebP: PNG %d B, WebP %d B (%.0f%%); %d without", pngTotal, webpTotal, 100*float64(webpTotal)/float64(pngTotal), withoutWebP)
	if withoutWebP > len(site.Crests) {
		t.Errorf("%d of %d renditions have no WebP", withoutWebP, 2*len(site.Crests))
	}
}

// samePixels compares two images colour by colour (premultiplied RGBA:
// fully transparent pixels compare equal whatever colour they carry).
func samePixels(a, b image.Image) (int, int, bool) {
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			if ar != br || ag != bg || ab != bb || aa != ba {
				return x, y, false
			}
		}
	}
	return 0, 0, true
}
