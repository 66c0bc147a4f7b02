package thumbnails_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/testtools"
)

// waitThumbnail polls a document until its thumbnail facts are final
// (done, none or failed) and returns them (20 s).
func waitThumbnail(t *testing.T, s *apitest.Server, tok, id string) map[string]any {
	t.Helper()
	start := time.Now()
	for {
		d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: tok}), 200).Map(t)
		if th, ok := d["thumbnail"].(map[string]any); ok {
			return th
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("document %s has no thumbnail facts after 20 s", id)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// A PDF's first page becomes a 256-px PNG in the background after the
// upload (poppler's pdftoppm), an image a scaled copy, a crest shows its
// largest rendition; each is served to editors and archivists with an
// ETag (304 on If-None-Match) and a private cache, to the public only
// while published content shows the document, and a file pdftoppm cannot
// read is marked failed with the reason where the picture is asked for.
func TestThumbnailsOfPDFsImagesAndCrests(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdftoppm")
	s := apitest.Shared(t)
	ed, ar := s.NewToken(t, "editor"), s.NewToken(t, "archivist")
	up := func(kind, name string, data []byte) string {
		return apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta(kind, name+" "+t.Name()), name, "", data), 201).Map(t)["id"].(string)
	}
	pdf := up("charter", "listina.pdf", demo.PlaceholderPDF("thumbnail "+t.Name()))
	var scan bytes.Buffer
	img := image.NewNRGBA(image.Rect(0, 0, 800, 400))
	for x := 0; x < 800; x++ {
		for y := 0; y < 400; y++ {
			img.Set(x, y, color.NRGBA{R: uint8(x / 4), G: 90, B: uint8(y / 2), A: 255})
		}
	}
	if err := png.Encode(&scan, img); err != nil {
		t.Fatal(err)
	}
	pic := up("scan", "sken.png", scan.Bytes())
	crest := up("crest", "grb.png", demo.ShieldPNG(color.NRGBA{R: 12, G: 120, B: 60, A: 255}, color.NRGBA{R: 220, G: 200, B: 10, A: 255}))
	broken := up("scan", "pokvarjen.pdf", apitest.PDFBytes("not really a pdf "+t.Name(), 5000))

	// The PDF's first page: portrait A4 fitted into 256 px.
	th := waitThumbnail(t, s, ed, pdf)
	if th["status"] != "done" || th["source"] != "pdftoppm" || th["height"].(float64) != 256 || th["width"].(float64) >= 256 {
		t.Fatalf("PDF thumbnail facts %v", th)
	}
	r := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf + "/thumbnail", Token: ed}), 200)
	if r.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(r.Header.Get("Cache-Control"), "private, max-age=") || r.Header.Get("ETag") == "" {
		t.Fatalf("thumbnail headers %v", r.Header)
	}
	if b := decodePNG(t, r.Body).Bounds(); b.Dy() != 256 || b.Dx() != int(th["width"].(float64)) {
		t.Fatalf("thumbnail is %v, facts say %v", b, th)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf + "/thumbnail", Token: ed,
		Headers: map[string]string{"If-None-Match": r.Header.Get("ETag")}}), 304)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf + "/thumbnail", Token: ar}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf + "/thumbnail"}), 401, "unauthorized")

	// An image: scaled to 256 px wide, the proportions kept.
	th = waitThumbnail(t, s, ed, pic)
	if th["status"] != "done" || th["source"] != "image" || th["width"].(float64) != 256 || th["height"].(float64) != 128 {
		t.Fatalf("image thumbnail facts %v", th)
	}
	decodePNG(t, apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pic + "/thumbnail", Token: ed}), 200).Body)

	// A crest: its 256 px rendition, the same bytes the public site shows.
	cr := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + crest, Token: ed}), 200).Map(t)
	if cr["thumbnail"] != nil {
		t.Fatalf("a crest got thumbnail facts %v; its renditions are its pictures", cr["thumbnail"])
	}
	got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + crest + "/thumbnail", Token: ed}), 200)
	if b := decodePNG(t, got.Body).Bounds(); max(b.Dx(), b.Dy()) != 256 {
		t.Fatalf("crest thumbnail %v, want its 256 px rendition", b)
	}

	// Bytes pdftoppm cannot read: failed, the type icon stays, and why.
	th = waitThumbnail(t, s, ed, broken)
	if th["status"] != "failed" || !strings.Contains(th["error"].(string), "pdftoppm") {
		t.Fatalf("broken PDF thumbnail facts %v", th)
	}
	p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + broken + "/thumbnail", Token: ed}), 404, "not-found")
	if !strings.Contains(p["detail"].(string), "could not be made") {
		t.Fatalf("404 detail %v", p["detail"])
	}
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/000000000000000000000000/thumbnail", Token: ed}), 404, "not-found")

	// Public: only while a published partnership shows the document.
	public := "/api/v1/public/documents/" + pdf + "/thumbnail"
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")
	body := apitest.MinimalPartnership("thumb-town", "Sličice")
	body["documents"] = []any{map[string]any{"document_id": pdf, "role": "publication"}}
	pt := apitest.Create(t, s, ed, body)
	path := "/api/v1/partnerships/" + pt["id"].(string)
	t.Cleanup(func() { s.DeletePartnership(t, pt["id"].(string)) })
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	pr := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: public}), 200)
	if !bytes.Equal(pr.Body, r.Body) || !strings.HasPrefix(pr.Header.Get("Cache-Control"), "public, max-age=") {
		t.Fatalf("public thumbnail differs or is not publicly cacheable: %v", pr.Header)
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: public, Headers: map[string]string{"If-None-Match": pr.Header.Get("ETag")}}), 304)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/documents/" + pic + "/thumbnail"}), 404, "not-found")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: public}), 404, "not-found")
}

// Without poppler a PDF gets no thumbnail facts and its picture is
// refused with the reason (the UI keeps its type icon); images still get
// theirs, and the server stays ready.
func TestPDFThumbnailsNeedPoppler(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s := apitest.Empty(t, nil)
	ed := s.NewToken(t, "editor")
	pdf := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("charter", "Listina"), "listina.pdf", "", demo.PlaceholderPDF("no poppler")), 201).Map(t)["id"].(string)
	crestless := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Sken"), "sken.png", "",
		demo.ShieldPNG(color.NRGBA{R: 1, G: 2, B: 3, A: 255}, color.NRGBA{R: 200, G: 2, B: 3, A: 255})), 201).Map(t)["id"].(string)
	if th := waitThumbnail(t, s, ed, crestless); th["status"] != "done" {
		t.Fatalf("image thumbnail without poppler: %v", th)
	}
	// By now the runner has passed the PDF by.
	d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf, Token: ed}), 200).Map(t)
	if d["thumbnail"] != nil {
		t.Fatalf("PDF thumbnail facts without pdftoppm: %v", d["thumbnail"])
	}
	p := apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + pdf + "/thumbnail", Token: ed}), 404, "not-found")
	if !strings.Contains(p["detail"].(string), "pdftoppm") {
		t.Fatalf("404 detail %v", p["detail"])
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/readyz"}), 200)
}
