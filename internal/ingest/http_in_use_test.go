package ingest_test

import (
	"image/color"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// A document published content shows — a published partnership's crest,
// an agreement's text, an entry of its document list, the accessible
// alternative of one — is neither withdrawn nor purged: 409 with used_by
// naming each use, and nothing written. A link only a draft makes does not
// hold it, and once the published version no longer shows it, it goes.
// The agreement's text is public: its link downloads it.
func TestDocumentsPublishedContentShowsAreNotWithdrawnOrPurged(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	up := func(kind, title string, data []byte, name string) map[string]any {
		return apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta(kind, title), name, "", data), 201).Map(t)
	}
	shown := up("publication", "Zbornik v uporabi", apitest.PDFBytes("in use shown "+t.Name(), 9000), "zbornik.pdf")
	alt := up("publication", "Besedilna različica", apitest.PDFBytes("in use alt "+t.Name(), 9000), "besedilo.pdf")
	crest := up("crest", "Grb v uporabi", demo.ShieldPNG(color.NRGBA{R: 201, G: 3, B: 7, A: 255}, color.NRGBA{R: 3, G: 201, B: 7, A: 255}), "grb.png")
	agreement := up("charter", "Listina samo v dogovoru", apitest.PDFBytes("in use agreement "+t.Name(), 9000), "listina.pdf")
	drafted := up("scan", "Samo v osnutku", apitest.PDFBytes("in use draft "+t.Name(), 9000), "osnutek.pdf")
	id := func(d map[string]any) string { return d["id"].(string) }

	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + id(shown), Token: ed, Headers: apitest.IfMatch(1),
		Body: map[string]any{"alternative": map[string]any{"document_id": id(alt)}}}), 200)
	body := apitest.MinimalPartnership("v-uporabi", "Mesto v uporabi")
	body["crest_id"] = id(crest)
	body["documents"] = []any{map[string]any{"document_id": id(shown), "role": "publication"}}
	body["agreements"] = []any{map[string]any{"kind": "charter", "title": map[string]string{"sl": "Listina"}, "year": 1975, "document_id": id(agreement)}}
	p := apitest.Create(t, s, ed, body)
	path := "/api/v1/partnerships/" + p["id"].(string)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	draft := apitest.MinimalPartnership("v-osnutku", "Mesto v osnutku")
	draft["documents"] = []any{map[string]any{"document_id": id(drafted), "role": "publication"}}
	d := apitest.Create(t, s, ed, draft)
	// Other tests count the partnerships on the shared server.
	t.Cleanup(func() { s.DeletePartnership(t, p["id"].(string)); s.DeletePartnership(t, d["id"].(string)) })

	for _, c := range []struct {
		doc     map[string]any
		version int
		role    string
	}{{shown, 2, "document"}, {crest, 1, "crest"}, {alt, 1, "alternative"}, {agreement, 1, "agreement"}} {
		docPath := "/api/v1/documents/" + id(c.doc)
		for _, r := range []apitest.Resp{
			s.Do(t, apitest.Req{Method: "DELETE", Path: docPath, Token: ed, Headers: apitest.IfMatch(c.version)}),
			s.Do(t, apitest.Req{Method: "POST", Path: docPath + "/purge", Token: apitest.AdminToken}),
		} {
			pr := apitest.ExpectProblem(t, r, 409, "conflict")
			uses, _ := pr["used_by"].([]any)
			if len(uses) != 1 {
				t.Fatalf("%s: used_by %v, want the one partnership", c.role, pr["used_by"])
			}
			u := uses[0].(map[string]any)
			if u["resource"] != "partnership" || u["id"] != p["id"] || u["slug"] != "v-uporabi" || u["role"] != c.role ||
				u["name"].(map[string]any)["sl"] != "Mesto v uporabi" || !strings.Contains(pr["detail"].(string), "Mesto v uporabi") {
				t.Fatalf("%s: problem %v does not name the partnership and the use", c.role, pr)
			}
		}
		// Nothing was written: still active at its version, no event.
		d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: docPath, Token: ed}), 200).Map(t)
		if d["status"] != "active" || int(d["version"].(float64)) != c.version {
			t.Fatalf("%s: refused withdrawal left status %v, version %v", c.role, d["status"], d["version"])
		}
	}

	// The public partnership links the agreement's text.
	pub := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/public/partnerships/v-uporabi?locale=sl"}), 200).Map(t)
	ag := pub["agreements"].([]any)[0].(map[string]any)
	doc, _ := ag["document"].(map[string]any)
	if doc == nil || doc["id"] != id(agreement) || doc["role"] != "agreement" || doc["title"] != "Listina samo v dogovoru" {
		t.Fatalf("the public agreement %v does not link its text", ag)
	}
	if r := s.FollowLink(t, doc["url"].(string)); r.Status != 200 || !strings.HasPrefix(string(r.Body), "%PDF") {
		t.Fatalf("the agreement's link answered %d", r.Status)
	}

	// A draft is not published.
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(drafted), Token: ed, Headers: apitest.IfMatch(1)}), 200)

	// A draft that drops the document does not free it; its publish does,
	// and with it the alternative of the document no longer shown.
	apitest.PatchTo(t, s, ed, path, 2, map[string]any{"documents": []any{}})
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(shown), Token: ed, Headers: apitest.IfMatch(2)}), 409, "conflict")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(3)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(shown), Token: ed, Headers: apitest.IfMatch(2)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/documents/" + id(alt) + "/purge", Token: apitest.AdminToken}), 204)
	// The crest stays in use until the partnership is unpublished.
	apitest.ExpectProblem(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(crest), Token: ed, Headers: apitest.IfMatch(1)}), 409, "conflict")
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/unpublish", Token: ed, Headers: apitest.IfMatch(4)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(crest), Token: ed, Headers: apitest.IfMatch(1)}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + id(agreement), Token: ed, Headers: apitest.IfMatch(1)}), 200)
}
