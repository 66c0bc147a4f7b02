//go:build browser

package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/pdffacts/pdftest"
)

// An editor opens a scanned PDF without a text layer, reads the plain
// advice (a screen reader cannot read it), chooses another document — an
// accessible PDF, picked by its title — as its accessible alternative and
// saves; the record holds it, the page names it after a reload, and the
// screen passes axe at 1280 and 375 px.
func TestBrowserAdminAccessibleAlternative(t *testing.T) {
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	upload := func(kind, title string, o pdftest.Options) string {
		o.Title = title
		return apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta(kind, title), "dostopnost.pdf", "application/pdf", pdftest.Build(o)), 201).Map(t)["id"].(string)
	}
	scanTitle, textTitle := fmt.Sprintf("Skenirana pogodba %d", n), fmt.Sprintf("Pogodba z besedilom %d", n)
	scan := upload("scan", scanTitle, pdftest.Options{Image: true})
	text := upload("publication", textTitle, pdftest.Options{Text: "Pogodba o sodelovanju", Tagged: true, Lang: "sl"})
	apitest.WaitFor(t, 30*time.Second, "the scan's accessibility facts", func() bool {
		return s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: apitest.AdminToken}).Map(t)["accessibility"] != nil
	})

	p := newPerson(t, "accessible alternative", "Ana Dostopna", "editor")
	p.step("open the scan's page")
	p.open("#/documents/" + scan)
	p.waitText("nima besedilnega sloja")
	if got := p.text("#alt-current"); got != "Zdaj: Brez dostopne različice" {
		t.Fatalf("current alternative %q", got)
	}
	p.click("radio", "Drug dokument", "Dostopna različica")
	p.choose("Dokument kot dostopna različica", "", textTitle)
	p.click("button", "Shrani dostopno različico", "")
	p.waitText("Dostopna različica je shranjena.")
	d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: apitest.AdminToken}), 200).Map(t)
	if a, _ := d["alternative"].(map[string]any); a == nil || a["document_id"] != text {
		t.Fatalf("the record's alternative: %v", d["alternative"])
	}
	p.screen("accessible alternative")
	p.both(shots(t), "accessible-alternative")
	p.open("#/documents/" + scan)
	p.waitText("Zdaj: " + textTitle)
	if !strings.Contains(p.visibleText(), "Dostopna različica") {
		t.Fatal("no section heading")
	}
	// Back to none: the record drops it.
	p.click("radio", "Brez dostopne različice", "Dostopna različica")
	p.click("button", "Shrani dostopno različico", "")
	p.waitText("Zdaj: Brez dostopne različice")
	d = apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: apitest.AdminToken}), 200).Map(t)
	if d["alternative"] != nil {
		t.Fatalf("the alternative stayed: %v", d["alternative"])
	}

	// The original's date is often a year alone: typed as "1975", kept so.
	if hint := p.text("#" + strings.TrimPrefix(p.attr(p.field("Datum izvirnika", "Izvor"), "aria-describedby"), "#")); !strings.Contains(hint, "1975-05-09") {
		t.Fatalf("the date's hint %q", hint)
	}
	p.fill("Datum izvirnika", "Izvor", "1975")
	p.click("button", "Shrani", "")
	apitest.WaitFor(t, 10*time.Second, "the saved date", func() bool {
		d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + scan, Token: apitest.AdminToken}), 200).Map(t)
		pv, _ := d["provenance"].(map[string]any)
		return pv != nil && pv["original_date"] == "1975"
	})
	p.done()
}

// attr is the attribute name of the element sel.
func (u *ui) attr(sel, name string) string {
	u.t.Helper()
	var v string
	u.eval(fmt.Sprintf(`document.querySelector(%q).getAttribute(%q) || ""`, sel, name), &v)
	return v
}
