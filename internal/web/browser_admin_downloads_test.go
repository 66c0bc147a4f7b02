//go:build browser

package web_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// watchBlobs counts, on every page the tab opens from now on, each
// URL.createObjectURL and each Response.blob / arrayBuffer: the ways a
// page would hold a whole file in memory to offer it as a download.
func (u *ui) watchBlobs() {
	u.t.Helper()
	u.run(chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`(() => {
		  window.__blobs = [];
		  const wrap = (o, k, name) => { const f = o[k]; o[k] = function (...a) { window.__blobs.push(name); return f.apply(this, a); }; };
		  wrap(URL, "createObjectURL", "URL.createObjectURL");
		  wrap(Response.prototype, "blob", "Response.blob");
		  wrap(Response.prototype, "arrayBuffer", "Response.arrayBuffer");
		})()`).Do(ctx)
		return err
	}))
}

// blobsMade is what watchBlobs saw on the current page.
func (u *ui) blobsMade() string {
	var s string
	u.eval(`(window.__blobs || ["not watched"]).join(", ")`, &s)
	return s
}

// clickButton clicks the button whose visible text is name.
func (u *ui) clickButton(name string) {
	u.t.Helper()
	var ok bool
	u.eval(fmt.Sprintf(`(() => { const b = [...document.querySelectorAll("button")].find(b => b.textContent.trim() === %q && b.offsetParent);
	  if (b) b.click(); return !!b; })()`, name), &ok)
	if !ok {
		u.t.Fatalf("no button %q on the page", name)
	}
}

// Downloads land on disk through Chromium's own download manager: the
// archivist's "Prenesi izvirnik" (a 40 MiB original) and "Prenesi paket
// BagIt", the editor's "Prenesi datoteko". The files carry the stored
// SHA-256, and no page made a Blob or read a whole response into memory.
func TestBrowserAdminDownloadsToDisk(t *testing.T) {
	s := apitest.Shared(t)
	ed := s.NewToken(t, "editor")
	data := make([]byte, 40<<20)
	_, _ = rand.Read(data)
	copy(data, "%PDF-1.4\n%")
	copy(data[len(data)-6:], "\n%%EOF")
	name := "Velika skenirana listina – Valjevo 1975.pdf"
	doc := apitest.Expect(t, s.Upload(t, ed, apitest.DocMeta("scan", "Velika skenirana listina"), name, "", data), 201).Map(t)
	id := doc["id"].(string)
	sum := apitest.SHA(data)
	if doc["file"].(map[string]any)["sha256"] != sum {
		t.Fatalf("stored %v", doc["file"])
	}

	u := newBrowser(t)
	u.watchBlobs()
	u.signIn(s.NewToken(t, "archivist"))
	u.open("#/archive/" + id)
	u.clickButton("Prenesi izvirnik")
	got, err := os.ReadFile(u.waitDownload(name, int64(len(data))))
	if err != nil {
		t.Fatal(err)
	}
	if apitest.SHA(got) != sum {
		t.Fatalf("the downloaded original's SHA-256 is %s, stored %s", apitest.SHA(got), sum)
	}
	if made := u.blobsMade(); made != "" {
		t.Fatalf("the archive page held the file in memory: %s", made)
	}

	u.open("#/archive")
	u.eval(`(() => { const s = document.querySelector("#bag-partnership"); s.value = [...s.options].find(o => o.textContent === "Valjevo").value; })()`, nil)
	u.clickButton("Prenesi paket BagIt")
	if bag, err := os.ReadFile(u.waitDownload("valjevo-bag.zip", 0)); err != nil || !strings.HasPrefix(string(bag), "PK") {
		t.Fatalf("bag: %v", err)
	}
	if made := u.blobsMade(); made != "" {
		t.Fatalf("the archive page held the bag in memory: %s", made)
	}

	// The editor, in English.
	v := u.tab()
	v.watchBlobs()
	v.signIn(ed)
	v.eval(`sessionStorage.setItem("twincms.lang", "en")`, nil)
	v.open("#/documents/" + id)
	v.run(chromedp.Reload())
	v.waitJS(`document.querySelector("#doc-download")`)
	if got := v.text("#doc-download"); got != "Download file" {
		t.Fatalf("the editor's download button says %q", got)
	}
	os.Remove(filepath.Join(u.downloads, name))
	v.clickButton("Download file")
	got, err = os.ReadFile(v.waitDownload(name, int64(len(data))))
	if err != nil || apitest.SHA(got) != sum {
		t.Fatalf("the editor's download: %v", err)
	}
	if made := v.blobsMade(); made != "" {
		t.Fatalf("the document page held the file in memory: %s", made)
	}
}

// waitDownload waits until Chromium has finished downloading name (no
// .crdownload left, and size bytes when size > 0) and returns its path.
func (u *ui) waitDownload(name string, size int64) string {
	u.t.Helper()
	path := filepath.Join(u.downloads, name)
	deadline := time.Now().Add(90 * time.Second)
	for {
		st, err := os.Stat(path)
		_, partial := os.Stat(path + ".crdownload")
		if err == nil && partial != nil && (size == 0 || st.Size() == size) {
			return path
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(u.downloads)
			u.t.Fatalf("no %s downloaded; the folder holds %v", name, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
