//go:build browser

package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// hashInBrowser gives files to a file input on the admin page and returns
// what call (a call of a sha256.js function m on the File f, e.g.
// `m.workerSHA256(f, () => {}, {read: "sync"})`) says each one's SHA-256
// is, with the seconds the whole run took.
func (u *ui) hashInBrowser(paths []string, call string) (map[string]string, float64) {
	u.t.Helper()
	u.eval(`(() => { let i = document.querySelector("#hash-files"); if (!i) { i = document.createElement("input"); i.type = "file"; i.multiple = true; i.id = "hash-files"; i.setAttribute("aria-label", "files"); document.body.append(i); } })()`, nil)
	u.run(chromedp.SetUploadFiles(`#hash-files`, paths))
	var out string
	u.eval(fmt.Sprintf(`import("./sha256.js").then(async m => { const r = {}; const t0 = performance.now();
	  for (const f of document.querySelector("#hash-files").files) r[f.name] = await %s;
	  r.seconds = String((performance.now() - t0) / 1000); return JSON.stringify(r); })`, call), &out)
	got := map[string]string{}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		u.t.Fatal(err)
	}
	var secs float64
	fmt.Sscan(got["seconds"], &secs)
	delete(got, "seconds")
	return got, secs
}

// The browser's SHA-256 agrees with Go's at every padding boundary
// (0, 55, 56, 63, 64, 65 … bytes), at the worker's chunk boundaries
// (16 MiB ± 1, and 1 MiB ± 1 with 1 MiB chunks) and its progress step
// (8 MiB ± 1), and at the WebAssembly module's and the reading worker's
// buffers (4 MiB ± 1, 1 MiB ± 1 with 1 MiB buffers): our
// SHA-256 in the worker (SIMD, the default, and scalar) with each way of
// reading the file, bytes handed over in memory, hash-wasm's, the in-page
// fallback and fileSHA256.
func TestBrowserAdminSHA256(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	dir := browserDir(t, "twincms-hash-")
	sizes := []int{0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 1<<20 - 1, 1 << 20, 1<<20 + 1,
		4<<20 - 1, 4 << 20, 4<<20 + 1, 4<<20 + 63, 8<<20 - 1, 8 << 20, 8<<20 + 1, 16<<20 - 1, 16 << 20, 16<<20 + 1, 16<<20 + 56}
	want := map[string]string{}
	var paths []string
	for i, n := range sizes {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(j*7 + i)
		}
		name := fmt.Sprintf("f%02d-%d.bin", i, n)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		want[name] = hex.EncodeToString(sum[:])
		paths = append(paths, p)
	}
	for _, call := range []string{
		`m.workerSHA256(f)`,
		`m.workerSHA256(f, () => {}, {read: "stream"})`,
		`m.workerSHA256(f, () => {}, {read: "pipe", chunk: 1 << 20})`,
		`m.workerSHA256(f, () => {}, {impl: "scalar"})`,
		`m.workerSHA256(f, () => {}, {impl: "hash-wasm"})`,
		`m.workerSHA256(f, () => {}, {read: "sync", chunk: 1 << 20})`,
		`m.workerSHA256(f, () => {}, {read: "sync", chunk: 5 << 20, impl: "scalar"})`,
		`m.workerSHA256(f, () => {}, {read: "sync"})`,
		`m.workerSHA256(f, () => {}, {read: "byob"})`,
		`m.workerSHA256(f, () => {}, {read: "byob", chunk: 1 << 20})`,
		`m.workerSHA256(f, () => {}, {read: "slices"})`,
		`f.arrayBuffer().then(b => m.workerSHA256(b, () => {}, {chunk: 1 << 20}))`,
		`m.inPageSHA256(f, () => {})`,
		`m.fileSHA256(f)`,
	} {
		got, _ := u.hashInBrowser(paths, call)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s of %s: %q, Go says %q", call, name, got[name], w)
			}
		}
	}
}
