//go:build browser

package web_test

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/demo"
)

// dropFiles drops files (name → bytes, with their types) onto the element
// sel, as dragging them from the desktop does: one drop event carrying a
// DataTransfer of File objects.
func (u *ui) dropFiles(sel string, files map[string][]byte, types map[string]string) {
	u.t.Helper()
	var parts []string
	for name, b := range files {
		parts = append(parts, fmt.Sprintf(`new File([Uint8Array.from(atob(%q), c => c.charCodeAt(0))], %q, {type: %q})`,
			base64.StdEncoding.EncodeToString(b), name, types[name]))
	}
	u.eval(fmt.Sprintf(`(() => { const dt = new DataTransfer(); for (const f of [%s]) dt.items.add(f);
	  const z = document.querySelector(%q); z.scrollIntoView({block: "center"});
	  z.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
	  z.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true})); return true; })()`,
		strings.Join(parts, ", "), sel), nil)
}

// An editor drops two PDFs from the desktop onto a partnership's
// documents (one new, one already stored: that one is picked as it is)
// and a text file onto the crest (refused, in words, beside the field);
// then chooses a crest image with the crest's file button, as from the
// keyboard. Each file has its own progress and outcome; saved, the record
// names the crest and both documents.
func TestBrowserAdminDropOntoDocumentFields(t *testing.T) {
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	p0 := apitest.Create(t, s, apitest.AdminToken, apitest.MinimalPartnership(fmt.Sprintf("spusti-%d", n), fmt.Sprintf("Spuščeno mesto %d", n)))
	pid := p0["id"].(string)
	t.Cleanup(func() { s.DeletePartnership(t, pid) })
	stored := apitest.PDFBytes(fmt.Sprintf("stored before %d", n), 3000)
	had := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("publication", fmt.Sprintf("Že shranjeno %d", n)), "prej.pdf", "", stored), 201).Map(t)["id"].(string)
	fresh := demo.PlaceholderPDF(fmt.Sprintf("Pogodba spuscena %d", n))

	p := newPerson(t, "drop onto fields", "Dora Spust", "editor")
	p.step("open the partnership")
	p.open("#/partnerships/" + pid)
	p.waitText("Naloži nove dokumente") // the zone is drawn
	p.step("drop two PDFs onto the documents")
	p.dropFiles("#docs-drop", map[string][]byte{"pogodba-spuscena.pdf": fresh, "prej-kopija.pdf": stored},
		map[string]string{"pogodba-spuscena.pdf": "application/pdf", "prej-kopija.pdf": "application/pdf"})
	p.waitJS(`document.querySelectorAll("#docs-drop-uploads li[data-done=true]").length === 2`)
	if got := p.text(`#docs-drop-uploads li[data-file="prej-kopija.pdf"] .state`); got != fmt.Sprintf("Dodano: Že shranjeno %d", n) {
		t.Fatalf("the stored file's outcome %q", got)
	}
	p.waitJS(`document.querySelectorAll("#doc-order li").length === 2`)

	p.step("drop a text file onto the crest")
	p.dropFiles("#crest-drop", map[string][]byte{"grb.txt": []byte("ni slika")}, map[string]string{"grb.txt": "text/plain"})
	p.waitJS(`document.querySelector("#crest-drop-uploads li[data-done=false]")`)
	if got := p.text(`#crest-drop-uploads li[data-file="grb.txt"] .state`); got != "Tega dokumenta ni mogoče dodati sem: za grb izberite sliko vrste Grb" {
		t.Fatalf("the refused crest says %q", got)
	}
	var bars int
	p.eval(`document.querySelectorAll('#crest-drop-uploads li[data-file="grb.txt"] progress').length`, &bars)
	if bars != 0 {
		t.Fatal("a refused file shows a progress bar")
	}

	// The crest's file button, as a keyboard user chooses a file.
	site, err := demo.Jesenice()
	if err != nil {
		t.Fatal(err)
	}
	crestPNG := filepath.Join(t.TempDir(), "nov-grb.png")
	if err := os.WriteFile(crestPNG, append(site.Crests[1].PNG(), fmt.Sprintf("%d", n)...), 0o644); err != nil {
		t.Fatal(err)
	}
	p.step("choose a crest image with Naloži nov grb")
	p.run(chromedp.SetUploadFiles(p.fileButton("Naloži nov grb"), []string{crestPNG}))
	p.waitJS(`document.querySelector("#crest-drop-uploads li[data-file='nov-grb.png'][data-done=true]")`)
	p.screen("documents dropped onto fields")
	p.both(shots(t), "field-drop")
	p.click("button", "Shrani", "")
	apitest.WaitFor(t, 15*time.Second, "the saved partnership", func() bool {
		rec := apitest.Expect(t, s.Do(t, apitest.Req{Path: "/api/v1/partnerships/" + pid, Token: apitest.AdminToken}), 200).Map(t)
		docs, _ := rec["documents"].([]any)
		crest, _ := rec["crest_id"].(string)
		return len(docs) == 2 && crest != "" && strings.Contains(fmt.Sprint(docs), had)
	})
	p.done()
}

// fileButton is the selector of the file input labelled label.
func (u *ui) fileButton(label string) string {
	u.t.Helper()
	var id string
	u.eval(fmt.Sprintf(`(() => { const l = [...document.querySelectorAll("label")].find(l => l.textContent.trim() === %q); return l ? l.htmlFor : ""; })()`, label), &id)
	if id == "" {
		u.t.Fatalf("no file button %q", label)
	}
	return "#" + id
}
