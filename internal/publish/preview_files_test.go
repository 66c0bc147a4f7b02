package publish_test

import (
	"image/color"
	"net/url"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// A draft's preview names its crest and documents by draft links: they
// are served though no published content shows them yet (a crest chosen
// for the draft: the preview showed its alt text, the image's link 404),
// stop at once when the document is withdrawn, and a draft link does not
// pass for a public link.
func TestPreviewLinksServeTheDraftsFiles(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	shield := demo.ShieldPNG(color.NRGBA{R: 200, G: 31, B: 77, A: 255}, color.NRGBA{R: 9, G: 200, B: 140, A: 255})
	crest := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("crest", "Grb predogleda"), "grb.png", "image/png", shield), 201).Map(t)
	pdf := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("publication", "Zbornik predogleda"), "zbornik.pdf", "", demo.PlaceholderPDF(t.Name())), 201).Map(t)
	body := apitest.MinimalPartnership("predogled-datotek", "Predogled datotek")
	body["crest_id"] = crest["id"]
	body["documents"] = []any{map[string]any{"document_id": pdf["id"], "role": "publication"}}
	path := apitest.PartnershipPath(apitest.Create(t, s, ed, body))
	var link struct {
		URL string `json:"url"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/preview-links", Token: ed, Body: map[string]any{}}), 201).JSON(t, &link)
	u, err := url.Parse(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Partnership struct {
			Documents []struct {
				URL string `json:"url"`
			} `json:"documents"`
			Crest *struct {
				Renditions map[string]struct {
					URL string `json:"url"`
				} `json:"renditions"`
			} `json:"crest"`
		} `json:"partnership"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/public/preview?token=" + url.QueryEscape(u.Query().Get("token"))}), 200).JSON(t, &v)
	if v.Partnership.Crest == nil || len(v.Partnership.Documents) != 1 {
		t.Fatalf("the preview names no crest or not its document: %+v", v.Partnership)
	}
	icon, doc := v.Partnership.Crest.Renditions["64"].URL, v.Partnership.Documents[0].URL
	for _, l := range []string{icon, doc} {
		if !strings.Contains(l, "draft=1") {
			t.Fatalf("the preview's link %s is no draft link", l)
		}
		if r := s.FollowLink(t, l); r.Status != 200 || len(r.Body) == 0 {
			t.Fatalf("the preview's link %s answers %d", l, r.Status)
		}
		apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: strings.Replace(l, "&draft=1", "", 1)}), 403, "link-invalid")
	}
	// Withdrawn: its draft link stops at once.
	docPath := "/api/v1/documents/" + pdf["id"].(string)
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Path: docPath, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: docPath, Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Path: doc}), 410, "gone")
}
