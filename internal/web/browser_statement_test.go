//go:build browser

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
)

// A visitor reads the accessibility statement at /izjava-o-dostopnosti
// (linked from the site's footer): a published scan without text is
// listed with its heritage exemption; the page passes axe-core in
// Slovenian and English. On the demo site the scan's text version is
// offered beside it as "Besedilna različica".
func TestBrowserAccessibilityStatement(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	upload := func(kind, title string, o pdftest.Options) string {
		o.Title = title
		return apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta(kind, title), title+".pdf", "application/pdf", pdftest.Build(o)), 201).Map(t)["id"].(string)
	}
	scan := upload("scan", "Skenirana listina brskalnik", pdftest.Options{Image: true})
	text := upload("publication", "Listina besedilo brskalnik", pdftest.Options{Text: "Listina o pobratenju", Tagged: true, Lang: "sl"})
	deadline := time.Now().Add(30 * time.Second)
	for s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: ed}).Map(t)["accessibility"] == nil {
		if time.Now().After(deadline) {
			t.Fatal("the scan was not checked within 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cur := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "PATCH", Path: "/api/v1/documents/" + scan, Token: ed, Body: map[string]any{"alternative": map[string]any{"document_id": text}},
		Headers: map[string]string{"If-Match": cur.Header.Get("ETag"), "Content-Type": "application/merge-patch+json"}}), 200)
	body := apitest.MinimalPartnership("izjava-brskalnik", "Brskalnik")
	body["documents"] = []map[string]any{{"document_id": scan, "role": "agreement"}}
	p := apitest.Create(t, s, ed, body)
	path := apitest.PartnershipPath(p)
	s.RemoveAtEnd(t, path)
	cur = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: path, Token: ed}), 200)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: path + "/publish", Token: ed, Headers: map[string]string{"If-Match": cur.Header.Get("ETag")}}), 200)

	u := newBrowser(t)
	u.run(chromedp.Navigate(s.Base + "/"))
	u.waitJS(`document.querySelector('a[data-alternative="` + text + `"]')`)
	if got := u.text(`a[data-alternative="` + text + `"]`); got != "Besedilna različica" {
		t.Fatalf("alternative link %q", got)
	}
	u.axe("demo site with a text version")
	u.run(chromedp.Click(`footer a[href="/izjava-o-dostopnosti"]`))
	u.waitJS(`document.querySelector('li[data-document="` + scan + `"] [data-exemption="heritage_reproduction"]')`)
	item := u.text(`li[data-document="` + scan + `"]`)
	if !strings.Contains(item, "Skenirana listina brskalnik") || !strings.Contains(item, "kulturne dediščine") || !strings.Contains(item, "Besedilna različica: Listina besedilo brskalnik") {
		t.Fatalf("the scan's entry: %q", item)
	}
	if h := u.text("h1"); h != "Izjava o dostopnosti" {
		t.Fatalf("h1 %q", h)
	}
	if e := u.text("#st-enforcement"); e == "" {
		t.Fatal("no enforcement section")
	}
	u.axe("accessibility statement sl")
	u.run(chromedp.Click(`button[data-locale="en"]`))
	u.waitJS(`document.body.dataset.locale === "en"`)
	var all string
	u.eval(`document.querySelector("main").innerText`, &all)
	if !strings.Contains(all, "Accessibility statement") || !strings.Contains(all, "Information Society Inspectorate") || !strings.Contains(all, "heritage collection") {
		t.Fatalf("English statement: %q", all)
	}
	var lang string
	u.eval(`document.documentElement.lang`, &lang)
	if lang != "en" {
		t.Fatalf("html lang %q", lang)
	}
	u.axe("accessibility statement en")
}
