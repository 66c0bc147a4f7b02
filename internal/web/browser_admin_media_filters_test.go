//go:build browser

package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
	"github.com/jesenice/twincms/internal/testtools"
)

// mediaCards are the ids of the cards the media library shows.
func (p *person) mediaCards() string {
	p.t.Helper()
	var ids string
	p.eval(`[...document.querySelectorAll("#media-grid .media-card")].map(c => c.dataset.id).join(",")`, &ids)
	return ids
}

// An editor narrows the media library by partnership, year and status,
// each choice kept in the address (Back returns to the one before); a
// PDF shows its first page as the thumbnail (GET /documents/{id}/thumbnail),
// its card names kind, year and size; a PDF without a thumbnail yet keeps
// its type icon.
func TestBrowserAdminMediaFilters(t *testing.T) {
	testtools.Need(t, "poppler-utils", "pdftoppm")
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	town := fmt.Sprintf("Filtrsko mesto %d", n)
	pt := apitest.Create(t, s, apitest.AdminToken, apitest.MinimalPartnership(fmt.Sprintf("filtrsko-mesto-%d", n), town))
	ptID := pt["id"].(string)
	t.Cleanup(func() { s.DeletePartnership(t, ptID) })
	upload := func(title, date string, data []byte) string {
		meta := apitest.DocMeta("charter", title)
		meta["provenance"].(map[string]string)["original_date"] = date
		meta["partnership_ids"] = []string{ptID}
		return apitest.Expect(t, s.Upload(t, apitest.AdminToken, meta, "listina.pdf", "application/pdf", data), 201).Map(t)["id"].(string)
	}
	old := upload(fmt.Sprintf("Listina filtri %d", n), "1975-05-09", demo.PlaceholderPDF(fmt.Sprintf("filters %d", n)))
	newer := upload(fmt.Sprintf("Pogodba filtri %d", n), "1991", apitest.PDFBytes(fmt.Sprintf("newer %d", n), 3000))
	gone := upload(fmt.Sprintf("Umaknjena filtri %d", n), "1975", apitest.PDFBytes(fmt.Sprintf("gone %d", n), 3000))
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "DELETE", Path: "/api/v1/documents/" + gone, Token: apitest.AdminToken, Headers: apitest.IfMatch(1)}), 200)
	// The first page is rendered in the background.
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		d := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + old, Token: apitest.AdminToken}), 200).Map(t)
		if th, ok := d["thumbnail"].(map[string]any); ok && th["status"] == "done" {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no thumbnail of %s after 30 s: %v", old, d["thumbnail"])
		}
	}

	p := newPerson(t, "media filters", "Meta Filter", "editor")
	p.click("link", "Medijska knjižnica", "")
	p.waitJS(`document.querySelector("#media-grid")`)
	p.choose("Partnerstvo", "", town)
	p.waitJS(`location.hash.includes("partnership=` + ptID + `") && (document.querySelector("#media-partnership") || {}).value === "` + ptID + `"`)
	p.waitJS(`document.querySelectorAll("#media-grid .media-card").length === 2`)
	if got := p.mediaCards(); !strings.Contains(got, old) || !strings.Contains(got, newer) {
		t.Fatalf("partnership filter shows %s", got)
	}
	p.fill("Leto", "", "1975")
	p.enter()
	p.waitJS(`location.hash.includes("year=1975") && document.querySelectorAll("#media-grid .media-card").length === 1`)
	if got := p.mediaCards(); got != old {
		t.Fatalf("year and partnership filters show %s, want %s", got, old)
	}
	card := fmt.Sprintf(`#media-grid .media-card[data-id=%q]`, old)
	img := q(card + " img")
	p.waitJS(img + ` && ` + img + `.complete && ` + img + `.naturalWidth > 0`)
	var wh []int
	p.eval(`[`+img+`.naturalWidth, `+img+`.naturalHeight]`, &wh)
	if wh[1] != 256 || wh[0] >= 256 {
		t.Fatalf("the PDF's thumbnail is %v px, want its portrait first page 256 px high", wh)
	}
	if hint := p.text(card + " .hint"); !strings.Contains(hint, "Listina · 1975 · application/pdf") {
		t.Fatalf("card reads %q", hint)
	}

	// Withdrawn ones: the withdrawn 1975 charter only, with its type icon.
	p.choose("Stanje", "", "Umaknjeni")
	p.waitJS(`location.hash.includes("status=withdrawn") && document.querySelector("#media-grid .media-card[data-id='` + gone + `']")`)
	if got := p.mediaCards(); got != gone {
		t.Fatalf("withdrawn filter shows %s", got)
	}
	if icon := p.text(fmt.Sprintf(`#media-grid .media-card[data-id=%q] .type-icon`, gone)); icon != "PDF" {
		t.Fatalf("the withdrawn PDF's icon reads %q", icon)
	}
	p.screen("media library filtered")
	p.both(shots(t), "media-filters")

	// Back: the active ones of 1975 again, the filters as they were.
	p.step("go back")
	p.eval(`history.back()`, nil)
	p.waitJS(`!location.hash.includes("status=") && (document.querySelector("#media-status") || {}).value === "" && (document.querySelector("#media-year") || {}).value === "1975"`)
	p.waitJS(fmt.Sprintf(`[...document.querySelectorAll("#media-grid .media-card")].map(c => c.dataset.id).join(",") === %q`, old))
	p.step("go back")
	p.eval(`history.back()`, nil)
	p.waitJS(`!location.hash.includes("year=") && (document.querySelector("#media-year") || {}).value === "" && document.querySelectorAll("#media-grid .media-card").length === 2`)
	p.done()
}
