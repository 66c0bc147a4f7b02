package ingest_test

import (
	"mime"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// PDF bytes uploaded under a name that opens as something else (a page,
// an HTML application, an image that runs script, a program, a name
// reversed by a bidi control) are stored under the name given, without
// bidi controls, and download on every path under a name whose extension
// is the detected type's, so a citizen's computer opens them as a PDF.
func TestDownloadsCarryTheDetectedTypesExtension(t *testing.T) {
	shared := apitest.Shared(t)
	ed, ar := shared.NewToken(t, "editor"), shared.NewToken(t, "archivist")
	cases := []struct{ sent, stored, download string }{
		{"evil.html", "evil.html", "evil.html.pdf"},
		{"agreement.hta", "agreement.hta", "agreement.hta.pdf"},
		{"logo.svg", "logo.svg", "logo.svg.pdf"},
		{"setup.exe", "setup.exe", "setup.exe.pdf"},
		{"rep\u202efdp.exe", "repfdp.exe", "repfdp.exe.pdf"},
		{"\u2067Listina\u2069 – Šentjakob.pdf", "Listina – Šentjakob.pdf", "Listina – Šentjakob.pdf"},
		{"scan.PDF", "scan.PDF", "scan.PDF"},
	}
	var refs []any
	for _, c := range cases {
		d := apitest.Expect(t, shared.Upload(t, ed, apitest.DocMeta("publication", "Ime "+c.stored), c.sent, "",
			demo.PlaceholderPDF(t.Name()+c.sent)), 201).Map(t)
		file := d["file"].(map[string]any)
		if file["original_filename"] != c.stored || file["content_type"] != "application/pdf" {
			t.Errorf("%q: stored as %q (%v)", c.sent, file["original_filename"], file["content_type"])
		}
		id := d["id"].(string)
		refs = append(refs, map[string]any{"document_id": id, "role": "publication"})
		// The editor's download: the presigned link carries the name.
		link := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + id + "/download", Token: ed}), 302).Header.Get("Location")
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		expectDownloadName(t, "signed link of "+c.sent, u.Query().Get("response-content-disposition"), c.download)
		expectDownloadName(t, "download of "+c.sent, apitest.Expect(t, apitest.Fetch(t, link, nil), 200).Header.Get("Content-Disposition"), c.download)
		// The archivist's original.
		orig := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/documents/" + id + "/original", Token: ar}), 200)
		expectDownloadName(t, "original of "+c.sent, orig.Header.Get("Content-Disposition"), c.download)
	}

	// The public file links of a published partnership.
	body := apitest.MinimalPartnership("download-names", "Imena datotek")
	body["documents"] = refs
	p := apitest.Create(t, shared, ed, body)
	path := apitest.PartnershipPath(p)
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: apitest.IfMatch(1)}), 200)
	t.Cleanup(func() { shared.DeletePartnership(t, p["id"].(string)) })
	var pub struct {
		Documents []struct {
			URL string `json:"url"`
		} `json:"documents"`
	}
	apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/public/partnerships/download-names"}), 200).JSON(t, &pub)
	if len(pub.Documents) != len(cases) {
		t.Fatalf("%d public documents, want %d", len(pub.Documents), len(cases))
	}
	for i, d := range pub.Documents {
		got := apitest.Expect(t, shared.FollowLink(t, d.URL), 200)
		expectDownloadName(t, "public link of "+cases[i].sent, got.Header.Get("Content-Disposition"), cases[i].download)
	}

	// A direct upload's name loses its bidi controls too.
	data := demo.PlaceholderPDF("Direct " + t.Name())
	ticket := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads", Token: ed, Body: map[string]any{
		"filename": "rep\u202efdp.exe", "size": len(data), "sha256": apitest.SHA(data), "metadata": apitest.DocMeta("scan", "Neposredno")}}), 201).Map(t)
	if st := apitest.PutToTicket(t, ticket, data); st != 200 {
		t.Fatalf("PUT to the signed URL: %d", st)
	}
	done := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/uploads/" + ticket["upload"].(map[string]any)["id"].(string) + "/complete", Token: ed}), 201).Map(t)
	if name := done["file"].(map[string]any)["original_filename"]; name != "repfdp.exe" {
		t.Errorf("direct upload stored as %q", name)
	}
}

// expectDownloadName fails unless the Content-Disposition header is an
// attachment named want (filename*), with an ASCII fallback (filename)
// that ends in the same extension.
func expectDownloadName(t *testing.T, what, header, want string) {
	t.Helper()
	typ, params, err := mime.ParseMediaType(header)
	if err != nil || typ != "attachment" || params["filename"] != want {
		t.Errorf("%s: Content-Disposition %q names %q, want %q (%v)", what, header, params["filename"], want, err)
	}
	_, quoted, _ := strings.Cut(header, `filename="`)
	ascii, _, _ := strings.Cut(quoted, `"`)
	if path.Ext(ascii) != path.Ext(want) {
		t.Errorf("%s: the ASCII fallback %q of %q", what, ascii, header)
	}
}
