//go:build browser

package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp/kb"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// An editor attaches the 1994 charter of two look-alike "Listina o
// pobratenju" to a partnership from the media library: the dialog shows
// cards with thumbnails, kind, year and size, narrowed by typing the year;
// a crest is chosen the same way; Escape closes the dialog back to its
// button; saved, the record holds exactly those two documents. The
// dialog passes axe at 1280 and 375 px.
func TestBrowserAdminPickFromLibrary(t *testing.T) {
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	p0 := apitest.Create(t, s, apitest.AdminToken, apitest.MinimalPartnership(fmt.Sprintf("knjiznica-%d", n), fmt.Sprintf("Mesto iz knjižnice %d", n)))
	pid := p0["id"].(string)
	t.Cleanup(func() { s.DeletePartnership(t, pid) })
	title := fmt.Sprintf("Listina o pobratenju %d", n)
	charter := func(year string) string {
		meta := apitest.DocMeta("charter", title)
		meta["provenance"].(map[string]string)["original_date"] = year
		meta["provenance"].(map[string]string)["archival_ref"] = "SI-JES/" + title + "/" + year
		return apitest.Expect(t, s.Upload(t, apitest.AdminToken, meta, "listina-"+year+".pdf", "application/pdf",
			demo.PlaceholderPDF(title+" "+year)), 201).Map(t)["id"].(string)
	}
	old, want := charter("1975"), charter("1994")
	site, err := demo.Jesenice()
	if err != nil {
		t.Fatal(err)
	}
	crestTitle := fmt.Sprintf("Grb iz knjižnice %d", n)
	crest := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("crest", crestTitle), "grb.png", "image/png",
		append(site.Crests[2].PNG(), fmt.Sprint(n)...)), 201).Map(t)["id"].(string)
	// The cards show the charters' first pages once the background job
	// has made them.
	apitest.WaitFor(t, 60*time.Second, "the charters' thumbnails", func() bool {
		for _, id := range []string{old, want} {
			d := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/documents/" + id, Token: apitest.AdminToken}), 200).Map(t)
			if th, _ := d["thumbnail"].(map[string]any); th == nil || th["status"] != "done" {
				return false
			}
		}
		return true
	})

	p := newPerson(t, "pick from the library", "Lea Knjižnica", "editor")
	p.step("open the partnership")
	p.open("#/partnerships/" + pid)
	p.click("button", "Izberi iz knjižnice: Dokumenti", "")
	p.waitFor("heading", "Izberite dokument iz medijske knjižnice", "")
	p.fill("Iskanje po naslovu, letu, imenu datoteke ali partnerstvu", "", title)
	p.waitJS(`document.querySelectorAll("#lib-grid li").length === 2`)
	// Both cards show a picture of the first page, not a type icon.
	p.waitJS(`document.querySelectorAll("#lib-grid li .media-thumb img").length === 2`)
	for _, year := range []string{"1975", "1994"} {
		if !strings.Contains(p.text(`#lib-grid`), "Listina · "+year) {
			t.Fatalf("no card tells the %s charter by its year: %q", year, p.text(`#lib-grid`))
		}
	}
	p.screen("library picker")
	p.both(shots(t), "library-picker")
	p.fill("Iskanje po naslovu, letu, imenu datoteke ali partnerstvu", "", title+" 1994")
	p.waitJS(`document.querySelectorAll("#lib-grid li").length === 1`)
	if got := p.text("#lib-count"); got != "Zadetki: 1" {
		t.Fatalf("the count says %q", got)
	}
	p.click("button", "Izberi: "+title, "")
	p.waitJS(`!document.querySelector("dialog.library")`)
	p.waitJS(fmt.Sprintf(`!!document.querySelector("#doc-order li[data-document='%s']")`, want))

	// Escape closes the dialog and gives the focus back to its button.
	p.click("button", "Izberi iz knjižnice: Grb", "")
	p.waitFor("heading", "Izberite grb iz medijske knjižnice", "")
	p.key("Escape", kb.Escape, 0)
	p.waitJS(`!document.querySelector("dialog.library") && document.activeElement.id === "crest-library"`)
	p.enter() // the focused button opens it again
	p.fill("Iskanje po naslovu, letu, imenu datoteke ali partnerstvu", "", crestTitle)
	p.click("button", "Izberi: "+crestTitle, "")
	p.waitJS(fmt.Sprintf(`document.querySelector("#crest").value === %q`, crest))

	p.click("button", "Shrani", "")
	apitest.WaitFor(t, 15*time.Second, "the saved partnership", func() bool {
		rec := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + pid, Token: apitest.AdminToken}), 200).Map(t)
		docs, _ := rec["documents"].([]any)
		return rec["crest_id"] == crest && len(docs) == 1 && docs[0].(map[string]any)["document_id"] == want
	})
	p.done()
}
