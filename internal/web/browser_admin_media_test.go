//go:build browser

package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jesenice/twincms/internal/apitest"
)

// pngBytes is a small PNG whose pixels differ by seed (so it is no duplicate).
func pngBytes(t *testing.T, seed int64) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(seed >> (8 * (i % 8)))
	}
	img.Set(0, 0, color.RGBA{R: byte(seed), G: 10, B: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// q is the JavaScript that finds the first element matching sel.
func q(sel string) string { return fmt.Sprintf("document.querySelector(%q)", sel) }

// An editor opens the media library by its address: images show as
// thumbnails, the rest as type icons; search and the kind filter are kept
// in the address; a crest used by a partnership says so and cannot be
// deleted (the reason in Slovenian); its English alt text is added; an
// unused brochure is deleted after a confirmation; files dropped on the
// library upload with a bar each, and a refused one says why without a
// full bar.
func TestBrowserAdminMediaLibrary(t *testing.T) {
	s := apitest.Shared(t)
	n := time.Now().UnixNano() % 1e9
	crestTitle := fmt.Sprintf("Grb medijska %d", n)
	crest := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("crest", crestTitle), "grb.png", "image/png", pngBytes(t, n)), 201).Map(t)
	town := fmt.Sprintf("Medijsko mesto %d", n)
	apitest.Expect(t, s.Do(t, apitest.Req{Method: "POST", Path: "/api/v1/partnerships", Token: apitest.AdminToken, Body: map[string]any{
		"slug": fmt.Sprintf("medijsko-mesto-%d", n), "relation": "friendship", "crest_id": crest["id"],
		"partner": map[string]any{"name": map[string]string{"sl": town}, "country": "AT"},
	}}), 201)
	brochureTitle := fmt.Sprintf("Brošura medijska %d", n)
	brochure := apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("publication", brochureTitle), "brosura.pdf", "application/pdf", apitest.PDFBytes(brochureTitle, 3000)), 201).Map(t)

	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	u.run(chromedp.Navigate(u.base + "/admin/#/media"))
	u.waitJS(`document.querySelector("#media-grid")`)
	if h := u.text("h1"); h != "Medijska knjižnica" {
		t.Fatalf("heading %q", h)
	}
	if nav := u.text(`#nav a[aria-current=page]`); nav != "Medijska knjižnica" {
		t.Fatalf("menu shows %q as current", nav)
	}

	// Search by the crest's title, kept in the address.
	u.run(chromedp.SendKeys(`#media-q`, crestTitle), chromedp.KeyEvent(kb.Enter))
	u.waitJS(`location.hash.includes("q=") && document.querySelectorAll("#media-grid .media-card").length === 1`)
	card := fmt.Sprintf(`#media-grid .media-card[data-id=%q]`, crest["id"])
	img := q(card + " img")
	u.waitJS(img + ` && ` + img + `.complete && ` + img + `.naturalWidth > 0`)
	var alt string
	u.eval(img+`.alt`, &alt)
	if alt != "Grb: "+crestTitle {
		t.Fatalf("thumbnail alt %q", alt)
	}
	if use := u.text(card + " .usage"); use != "Uporablja: "+town {
		t.Fatalf("usage reads %q", use)
	}

	// Deleting a crest in use is refused, in words, and nothing is asked or withdrawn.
	u.press(card + " .delete-doc")
	u.waitJS(`!` + q(card+" .in-use") + `.hidden`)
	if msg := u.text(card + " .in-use"); !strings.Contains(msg, "ni mogoče izbrisati") || !strings.Contains(msg, town) {
		t.Fatalf("refusal reads %q", msg)
	}
	var asked bool
	u.eval(`!!document.querySelector("dialog")`, &asked)
	if asked {
		t.Fatal("a refused delete asked for confirmation")
	}
	if st := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + crest["id"].(string), Token: apitest.AdminToken}), 200).Map(t)["status"]; st != "active" {
		t.Fatalf("the crest in use is now %v", st)
	}

	// English alt text and a Slovenian description.
	u.press(card + " .edit-meta")
	u.waitJS(`document.querySelector("#alt-sl")`)
	u.run(chromedp.SendKeys(`#description-sl`, "Grb z modrim poljem in zlato krono."))
	u.press(`#tab-en`)
	u.run(chromedp.SendKeys(`#alt-en`, "Coat of arms of the town"))
	u.axe("media library, editing alt text")
	u.press(card + ` .meta-form button[type=submit]`)
	u.waitJS(`document.querySelector("#status").textContent.includes("shranjen")`)
	got := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + crest["id"].(string), Token: apitest.AdminToken}), 200).Map(t)
	if got["alt"].(map[string]any)["en"] != "Coat of arms of the town" || got["description"].(map[string]any)["sl"] != "Grb z modrim poljem in zlato krono." {
		t.Fatalf("after saving: alt %v, description %v", got["alt"], got["description"])
	}

	// The kind filter, kept in the address.
	u.open("#/media")
	u.setValue(`#media-kind`, "publication")
	u.waitJS(`location.hash.includes("kind=publication") && document.querySelector("#media-grid")`)
	var other int
	u.eval(`[...document.querySelectorAll("#media-grid .media-card")].filter(c => c.dataset.kind !== "publication").length`, &other)
	if other != 0 {
		t.Fatalf("%d cards of other kinds under the publication filter", other)
	}

	// An unused brochure: a type icon, deleted after a confirmation.
	bcard := fmt.Sprintf(`#media-grid .media-card[data-id=%q]`, brochure["id"])
	u.waitJS(q(bcard))
	if icon := u.text(bcard + " .type-icon"); icon != "PDF" {
		t.Fatalf("the brochure's icon reads %q", icon)
	}
	u.press(bcard + " .delete-doc")
	u.confirm("izbrisati dokument")
	u.waitJS(`!` + q(bcard))
	if st := apitest.Expect(t, s.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/documents/" + brochure["id"].(string), Token: apitest.AdminToken}), 200).Map(t)["status"]; st != "withdrawn" {
		t.Fatalf("the deleted brochure is %v", st)
	}

	// Files dropped on the library: a PDF stored, a text file refused.
	u.open("#/media")
	u.eval(fmt.Sprintf(`(() => { const dt = new DataTransfer();
	  dt.items.add(new File(["%%PDF-1.4\n%% dropped %d " + "x".repeat(2000)], "spuscena-%d.pdf", {type: "application/pdf"}));
	  dt.items.add(new File(["samo besedilo"], "zapisek.txt", {type: "text/plain"}));
	  const z = document.querySelector("#media-drop");
	  z.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
	  z.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true})); })()`, n, n), nil)
	u.waitJS(`document.querySelectorAll("#media-uploads li[data-done]").length === 2`)
	if ok := u.text(`#media-uploads li[data-file="spuscena-` + fmt.Sprint(n) + `.pdf"][data-done=true] .state`); !strings.Contains(ok, "Naloženo") {
		t.Fatalf("the dropped PDF: %q", ok)
	}
	bad := `#media-uploads li[data-file="zapisek.txt"]`
	if msg := u.text(bad + " .state"); u.text(bad+"[data-done=false] .state") == "" || !strings.Contains(msg, "Vrsta datoteke ni podprta") {
		t.Fatalf("the refused file: %q", msg)
	}
	var bar bool
	u.eval(`!!document.querySelector('`+bad+` progress')`, &bar)
	if bar {
		t.Fatal("a refused upload still shows a progress bar")
	}
	u.waitJS(fmt.Sprintf(`[...document.querySelectorAll("#media-grid .media-card h2")].some(h => h.textContent === "spuscena-%d")`, n))
	u.axe("media library 1280")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "media-1280")
	}
	u.viewport(375, 800, true)
	u.open("#/media?kind=crest")
	var wide bool
	u.eval(`document.documentElement.scrollWidth > innerWidth`, &wide)
	if wide {
		t.Fatal("at 375 px the media library is wider than the screen")
	}
	u.axe("media library 375")
	if dir := os.Getenv("TWINCMS_SCREENSHOTS"); dir != "" {
		u.screenshot(dir, "media-375")
	}
}
