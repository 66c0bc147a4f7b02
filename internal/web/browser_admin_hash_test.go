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
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jesenice/twincms/internal/apitest"
)

// hashInBrowser gives files to a file input on the admin page and returns
// what fn (a function of sha256.js) says each one's SHA-256 is, with the
// seconds the whole run took.
func (u *ui) hashInBrowser(paths []string, fn string) (map[string]string, float64) {
	u.t.Helper()
	u.eval(`(() => { let i = document.querySelector("#hash-files"); if (!i) { i = document.createElement("input"); i.type = "file"; i.multiple = true; i.id = "hash-files"; i.setAttribute("aria-label", "files"); document.body.append(i); } })()`, nil)
	u.run(chromedp.SetUploadFiles(`#hash-files`, paths))
	var out string
	u.eval(fmt.Sprintf(`import("./sha256.js").then(async m => { const r = {}; const t0 = performance.now();
	  for (const f of document.querySelector("#hash-files").files) r[f.name] = await m.%s(f, () => {});
	  r.seconds = String((performance.now() - t0) / 1000); return JSON.stringify(r); })`, fn), &out)
	got := map[string]string{}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		u.t.Fatal(err)
	}
	var secs float64
	fmt.Sscan(got["seconds"], &secs)
	delete(got, "seconds")
	return got, secs
}

// The browser's SHA-256 (hash-wasm in a worker, and the in-page fallback)
// agrees with Go's at every padding boundary (55/56/63/64/65 … bytes) and
// at the readers' chunk boundaries (4 and 8 MiB ± 1). The rate of each on
// a large file is logged for the report (TWINCMS_HASH_MB sets its size,
// default 256).
func TestBrowserAdminSHA256(t *testing.T) {
	s := apitest.Shared(t)
	u := newBrowser(t)
	u.signIn(s.NewToken(t, "editor"))
	dir := browserDir(t, "twincms-hash-")
	sizes := []int{0, 1, 55, 56, 57, 63, 64, 65, 111, 112, 119, 120, 127, 128, 129, 4<<20 - 1, 4 << 20, 4<<20 + 1, 8<<20 - 1, 8 << 20, 8<<20 + 1, 8<<20 + 56}
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
	for _, fn := range []string{"workerSHA256", "inPageSHA256", "fileSHA256"} {
		got, _ := u.hashInBrowser(paths, fn)
		for name, w := range want {
			if got[name] != w {
				t.Errorf("%s of %s: %q, Go says %q", fn, name, got[name], w)
			}
		}
	}

	// The rate on a large file (sparse: its bytes come from the page cache).
	mb := 256
	if v := os.Getenv("TWINCMS_HASH_MB"); v != "" {
		fmt.Sscan(v, &mb)
	}
	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("twincms")); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(mb) << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	h := sha256.New()
	r, _ := os.Open(big)
	start := time.Now()
	buf := make([]byte, 8<<20)
	for {
		n, err := r.Read(buf)
		h.Write(buf[:n])
		if err != nil {
			break
		}
	}
	r.Close()
	goSecs := time.Since(start).Seconds()
	wantBig := hex.EncodeToString(h.Sum(nil))
	for _, fn := range []string{"workerSHA256", "inPageSHA256"} {
		got, secs := u.hashInBrowser([]string{big}, fn)
		if got["big.bin"] != wantBig {
			t.Fatalf("%s of %d MiB: %q, Go says %q", fn, mb, got["big.bin"], wantBig)
		}
		t.Logf("%s: %d MiB in %.2f s = %.0f MiB/s (Go's crypto/sha256 in the test process: %.0f MiB/s)", fn, mb, secs, float64(mb)/secs, float64(mb)/goSecs)
	}
}
