package a11y_test

import (
	"github.com/jesenice/twincms/internal/testtools"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
)

// An editor attaches an accessible alternative to a scanned document; the
// public API offers it beside the original ("Besedilna različica" in
// Slovenian) with a working signed link, and drops it when removed.
func TestAccessibleAlternativeOfferedBesideOriginal(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdfinfo", "pdftotext")
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	scan := uploadPDF(t, s, ed, "Skenirana pogodba", pdftest.Options{Image: true})
	text := uploadPDF(t, s, ed, "Pogodba besedilo", pdftest.Options{Text: "Pogodba o sodelovanju", Tagged: true, Lang: "sl"})
	crest := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("crest", "Grb alternativa"), "grb.png", "image/png", demo.ShieldPNG(color.NRGBA{R: 3, G: 90, B: 200, A: 255}, color.NRGBA{R: 250, G: 220, B: 0, A: 255})), 201).Map(t)["id"].(string)
	path := "/api/v1/documents/" + scan
	patch := func(body map[string]any) apitest.Resp {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200)
		return s.Do(t, apitest.Req{Method: "PATCH", Path: path, Token: ed, Body: body,
			Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}})
	}
	// What is no alternative is refused with the field.
	for _, bad := range []any{scan, "0123456789abcdef01234567", "not an id", crest} {
		pr := apitest.ExpectProblem(t, patch(map[string]any{"alternative": map[string]any{"document_id": bad}}), 422, "validation-failed")
		if !strings.Contains(string(apitest.MustJSON(t, pr)), `"field":"alternative.document_id"`) {
			t.Errorf("%v: %v", bad, pr)
		}
	}
	apitest.ExpectProblem(t, patch(map[string]any{"alternative": map[string]any{"document_id": text, "extra": 1}}), 400, "malformed-request")
	doc := apitest.Expect(t, patch(map[string]any{"alternative": map[string]any{"document_id": text}}), 200).Map(t)
	if alt, _ := doc["alternative"].(map[string]any); alt["document_id"] != text {
		t.Fatalf("alternative not stored: %v", doc)
	}

	body := apitest.MinimalPartnership("besedilna-razlicica", "Razlicica")
	body["documents"] = []map[string]any{{"document_id": scan, "role": "agreement"}}
	p := apitest.Create(t, s, ed, body)
	ppath := apitest.PartnershipPath(p)
	s.RemoveAtEnd(t, ppath)
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: ppath, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: ppath + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)

	type pubDoc struct {
		ID          string `json:"id"`
		URL         string `json:"url"`
		Alternative *struct {
			ID, Label, Title, URL string
		} `json:"alternative"`
	}
	get := func(locale string) pubDoc {
		t.Helper()
		var pub struct {
			Documents []pubDoc `json:"documents"`
		}
		apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/besedilna-razlicica?locale=" + locale}), 200).JSON(t, &pub)
		if len(pub.Documents) == 0 || pub.Documents[0].ID != scan {
			t.Fatalf("documents %+v", pub.Documents)
		}
		return pub.Documents[0]
	}
	d := get("sl")
	if d.Alternative == nil || d.Alternative.ID != text || d.Alternative.Label != "Besedilna različica" || d.Alternative.Title != "Pogodba besedilo" {
		t.Fatalf("sl alternative %+v", d.Alternative)
	}
	if got := s.FollowLink(t, d.Alternative.URL); got.Status != 200 || !strings.HasPrefix(string(got.Body), "%PDF") {
		t.Fatalf("alternative link: %d", got.Status)
	}
	if d := get("en"); d.Alternative == nil || d.Alternative.Label != "Text version" {
		t.Fatalf("en alternative %+v", d.Alternative)
	}
	// The extracted text as a plain-text version: refused until the text
	// is extracted, then offered with the public text link.
	plain := uploadPDF(t, s, ed, "Pogodba z besedilom", pdftest.Options{Text: "Pogodba o sodelovanju med obcinama"})
	ppatch := func(body map[string]any) apitest.Resp {
		cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + plain, Token: ed}), 200)
		return s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + plain, Token: ed, Body: body,
			Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}})
	}
	pr := apitest.ExpectProblem(t, ppatch(map[string]any{"alternative": map[string]any{"document_id": text, "text": true}}), 422, "validation-failed")
	if !strings.Contains(string(apitest.MustJSON(t, pr)), `"field":"alternative"`) {
		t.Errorf("both: %v", pr)
	}
	if st := textStatus(t, s, ed, scan); st != "done" {
		pr := apitest.ExpectProblem(t, patch(map[string]any{"alternative": map[string]any{"document_id": nil, "text": true}}), 422, "validation-failed")
		if !strings.Contains(string(apitest.MustJSON(t, pr)), `"field":"alternative.text"`) {
			t.Errorf("scan without text (%s): %v", st, pr)
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for textStatus(t, s, ed, plain) != "done" {
		if time.Now().After(deadline) {
			t.Fatalf("text of %s not extracted within 60 s", plain)
		}
		time.Sleep(100 * time.Millisecond)
	}
	apitest.Expect(t, ppatch(map[string]any{"alternative": map[string]any{"text": true}}), 200)
	cur = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: ppath, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: ppath, Token: ed, Body: map[string]any{"documents": []map[string]any{{"document_id": scan, "role": "agreement"}, {"document_id": plain, "role": "publication"}}},
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 200)
	cur = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: ppath, Token: ed}), 200)
	if r := s.Do(t, apitest.Req{Method: "POST", Path: ppath + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}); r.Status != 200 {
		t.Fatalf("publishing the draft: %d %s", r.Status, r.Body)
	}
	var two struct {
		Documents []struct {
			ID          string `json:"id"`
			Alternative *struct {
				Kind, Label, URL string
			} `json:"alternative"`
		} `json:"documents"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/besedilna-razlicica?locale=sl"}), 200).JSON(t, &two)
	if len(two.Documents) != 2 || two.Documents[1].ID != plain || two.Documents[1].Alternative == nil || two.Documents[1].Alternative.Kind != "text" ||
		two.Documents[1].Alternative.Label != "Besedilna različica" {
		t.Fatalf("text alternative: %+v", two.Documents)
	}
	got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: two.Documents[1].Alternative.URL}), 200)
	if !strings.Contains(string(got.Body), "Pogodba o sodelovanju") || !strings.HasPrefix(got.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("text version: %s %q", got.Header.Get("Content-Type"), got.Body)
	}

	// Removed (merge patch null): no longer offered, its link no longer served.
	apitest.Expect(t, patch(map[string]any{"alternative": nil}), 200)
	if d := get("sl"); d.Alternative != nil {
		t.Fatalf("removed alternative still offered: %+v", d.Alternative)
	}
}

// textStatus is the document's text extraction status ("" before queued).
func textStatus(t *testing.T, s *apitest.Server, token, id string) string {
	t.Helper()
	var v struct {
		Text *struct {
			Status string `json:"status"`
		} `json:"text"`
	}
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id, Token: token}), 200).JSON(t, &v)
	if v.Text == nil {
		return ""
	}
	return v.Text.Status
}
