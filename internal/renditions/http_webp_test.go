package renditions_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/models"
	"golang.org/x/image/webp"
)

// The public page offers each demo crest's WebP renditions beside the
// PNG ones; followed, a link gives image/webp that decodes to the size
// the page states.
func TestPublicCrestsHaveWebPRenditions(t *testing.T) {
	s := apitest.Shared(t)
	var page struct {
		Partnerships []struct {
			Slug  string `json:"slug"`
			Crest *struct {
				Alt        string `json:"alt"`
				Renditions map[string]struct {
					URL         string `json:"url"`
					Width       int    `json:"width"`
					ContentType string `json:"content_type"`
				} `json:"renditions"`
			} `json:"crest"`
		} `json:"partnerships"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/public/pages/pobratene-obcine"}), 200).JSON(t, &page)
	webps := 0
	for _, p := range page.Partnerships {
		if p.Crest == nil {
			t.Fatalf("%s: no crest", p.Slug)
		}
		for name, r := range p.Crest.Renditions {
			if r.ContentType != models.TypeWebP {
				continue
			}
			webps++
			got := s.FollowLink(t, r.URL)
			img, err := webp.Decode(bytes.NewReader(got.Body))
			if got.Status != 200 || got.Header.Get("Content-Type") != models.TypeWebP || err != nil || img.Bounds().Dx() != r.Width {
				t.Fatalf("%s %s: %d %s (%v)", p.Slug, name, got.Status, got.Header.Get("Content-Type"), err)
			}
			if _, ok := p.Crest.Renditions[name[:len(name)-len(".webp")]]; !ok {
				t.Fatalf("%s: %s has no PNG twin", p.Slug, name)
			}
		}
	}
	if webps < len(page.Partnerships) {
		t.Fatalf("%d WebP renditions for %d crests", webps, len(page.Partnerships))
	}
}

// A crest stored before WebP existed (its record naming PNG renditions
// only) gets its WebP ones from the background job, once; its PNGs and
// their links stay as they were.
func TestTheJobMakesWebPForOlderCrests(t *testing.T) {
	s := apitest.Empty(t, nil)
	ctx := t.Context()
	site, err := demo.Jesenice()
	if err != nil {
		t.Fatal(err)
	}
	id := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("crest", "Grb"), "grb.png", "", site.Crests[0].PNG()), 201).Map(t)["id"].(string)
	job := s.CMS.RenditionRunner
	if n, err := job.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("a new crest was due: %d (%v)", n, err)
	}
	// As before WebP: the record names the PNGs, no WebP object exists.
	doc, err := s.CMS.Documents.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var pngs []models.Rendition
	for _, r := range doc.Renditions {
		if r.ContentType == models.TypePNG {
			pngs = append(pngs, r)
		} else if err := s.CMS.Objects.Remove(ctx, r.Key); err != nil {
			t.Fatal(err)
		}
	}
	if len(pngs) != 2 || len(doc.Renditions) < 3 {
		t.Fatalf("renditions at upload: %+v", doc.Renditions)
	}
	if err := s.CMS.Documents.SetRenditions(ctx, id, pngs); err != nil {
		t.Fatal(err)
	}
	if n, err := job.RunOnce(ctx); n > 1 || err != nil {
		t.Fatalf("the job worked on %d crests (%v), want 1", n, err)
	}
	// (0 when the server's own pass took it first: then it is done.)
	apitest.WaitFor(t, 15*time.Second, "the WebP renditions", func() bool {
		d, err := s.CMS.Documents.Get(ctx, id)
		return err == nil && len(d.Renditions) == len(doc.Renditions)
	})
	after := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/documents/" + id, Token: apitest.AdminToken}), 200).Map(t)
	var got []models.Rendition
	for _, x := range after["renditions"].([]any) {
		r := x.(map[string]any)
		got = append(got, models.Rendition{Name: r["name"].(string), Key: r["key"].(string), ContentType: r["content_type"].(string)})
	}
	if !slices.EqualFunc(got[:2], pngs, func(a, b models.Rendition) bool { return a.Key == b.Key && a.Name == b.Name }) {
		t.Fatalf("the PNGs changed: %+v, were %+v", got, pngs)
	}
	if len(got) != len(doc.Renditions) {
		t.Fatalf("after the job %+v, at upload %+v", got, doc.Renditions)
	}
	for _, r := range got[2:] {
		rc, _, err := s.CMS.Objects.Get(ctx, r.Key)
		if err != nil {
			t.Fatalf("%s: %v", r.Key, err)
		}
		_, err = webp.Decode(rc)
		rc.Close()
		if err != nil || r.ContentType != models.TypeWebP {
			t.Fatalf("%s (%s): %v", r.Key, r.ContentType, err)
		}
	}
	if n, err := job.RunOnce(ctx); n != 0 || err != nil {
		t.Fatalf("the job ran again on %d crests (%v)", n, err)
	}
}
