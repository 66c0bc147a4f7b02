package bagit

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// zipOf writes entries (name → body; a name ending in / is a directory),
// deflated.
func zipOf(t testing.TB, names []string, bodies map[string]string) []byte {
	return zipWith(t, zip.Deflate, names, bodies)
}

// zipWith writes entries compressed by method.
func zipWith(t testing.TB, method uint16, names []string, bodies map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: method})
		if err != nil {
			t.Skipf("the zip writer takes no %q: %v", n, err)
		}
		io.WriteString(w, bodies[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openZip(t testing.TB, data []byte, lim Limits) (fs.FS, error) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return OpenZip(z, int64(len(data)), lim)
}

// FuzzZipEntryName: any entry name the check accepts is a clean relative
// path inside the bag (the same on every system, never outside the base
// directory), and OpenZip accepts a zip exactly when its name passes,
// reading the entry under that very name.
func FuzzZipEntryName(f *testing.F) {
	for _, seed := range []string{
		"data/a.pdf", "bag/data/scans/1987/b.png", "data/", "bagit.txt", "data/100% sure\nreally.txt", "data/Seja 10:30.pdf",
		"../../../../tmp/x.pdf", "/tmp/x.pdf", "../../data/x.pdf", `..\..\data\x.pdf`, `data\x.pdf`, "data/x.pdf\x00.png",
		"C:/data/x.pdf", `C:\tmp\x.pdf`, "c:x.pdf", "./data/x.pdf", "data//x.pdf", "data/./x.pdf", "", "/", ".", "..", "data/..",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		why := ZipNameProblem(name)
		p := strings.TrimSuffix(name, "/")
		if why == "" {
			switch {
			case !fs.ValidPath(p) || p == "." || path.Clean(p) != p || !filepath.IsLocal(p):
				t.Fatalf("accepted %q: not a clean relative path", name)
			case strings.ContainsAny(name, "\\\x00") || filepath.VolumeName(p) != "" || isDrive(p):
				t.Fatalf("accepted %q: a backslash, NUL or drive letter", name)
			case !strings.HasPrefix(path.Join("base", p), "base/"):
				t.Fatalf("accepted %q: it leaves the base directory", name)
			}
		}
		fsys, err := openZip(t, zipWith(t, zip.Store, []string{name}, map[string]string{name: "x"}), Limits{})
		var be *Error
		switch {
		case why != "" && (!errors.As(err, &be) || len(be.Problems) != 1 || be.Problems[0].File != name):
			t.Fatalf("%q (%s): OpenZip says %v", name, why, err)
		case why == "" && err != nil:
			t.Fatalf("%q: accepted by the check, refused by OpenZip: %v", name, err)
		case why == "" && !strings.HasSuffix(name, "/"):
			if b, err := fs.ReadFile(fsys, p); err != nil || string(b) != "x" {
				t.Fatalf("%q: read %q, %v", name, b, err)
			}
		}
	})
}

// isDrive reports a leading Windows drive letter ("C:", "c:x").
func isDrive(p string) bool {
	return len(p) >= 2 && p[1] == ':' && strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", rune(p[0]))
}

// Two entries of one name, a name both a file and a folder, and a link
// are refused, each named once; so are all unsafe names at once.
func TestOpenZipRefusesAmbiguousEntries(t *testing.T) {
	_, err := openZip(t, zipOf(t, []string{"data/a.pdf", "data/a.pdf", "data/b", "data/b/c.pdf", "data/b/d.pdf", "data/", "data/", "../x", "/y"}, nil), Limits{})
	var be *Error
	if !errors.As(err, &be) {
		t.Fatalf("%v", err)
	}
	want := []Problem{
		{"../x", "has a path that leaves the bag or is not clean (., .. or empty elements)"},
		{"/y", "has an absolute path"},
		{"data", "the zip holds two entries of this name"},
		{"data/a.pdf", "the zip holds two entries of this name"},
		{"data/b", "is both a file and a folder in the zip"},
	}
	if len(be.Problems) != len(want) {
		t.Fatalf("problems %+v", be.Problems)
	}
	for i := range want {
		if be.Problems[i] != want[i] {
			t.Errorf("problem %d: %+v, want %+v", i, be.Problems[i], want[i])
		}
	}
}

// Expanded bytes are counted as the decompressor produces them: an entry
// over the ratio fails as it is read; the bag over its total fails once
// for the bag; reading an entry again costs nothing more.
func TestZipLimitsCountProducedBytes(t *testing.T) {
	zeros := strings.Repeat("\x00", 3<<20)
	data := zipOf(t, []string{"bagit.txt", "data/zeros.pdf", "data/small.pdf"}, map[string]string{"bagit.txt": declaration, "data/zeros.pdf": zeros, "data/small.pdf": "%PDF-1.4\n"})
	fsys, err := openZip(t, data, Limits{MaxRatio: 100})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.ReadFile(fsys, "data/zeros.pdf")
	var le *LimitError
	if !errors.As(err, &le) || le.Entry != "data/zeros.pdf" || !strings.Contains(le.Reason, "more than 100 times its compressed size") {
		t.Fatalf("ratio: %v", err)
	}
	if b, err := fs.ReadFile(fsys, "data/small.pdf"); err != nil || string(b) != "%PDF-1.4\n" {
		t.Fatalf("a small entry after a refused one: %q %v", b, err)
	}

	fsys, _ = openZip(t, data, Limits{MaxRatio: 100000, MaxExpandedBytes: 3<<20 + 10})
	for range 3 { // read again and again: only the first read counts
		if _, err := fs.ReadFile(fsys, "data/zeros.pdf"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fs.ReadFile(fsys, "bagit.txt"); !errors.As(err, &le) || le.Entry != "" || !strings.Contains(le.Reason, "more than 3145738 bytes") {
		t.Fatalf("total: %v", err)
	}
	if _, err := fsys.Open("data/small.pdf"); !errors.As(err, &le) {
		t.Fatalf("after the total is spent: %v", err)
	}
}

// A header claiming a terabyte is not believed: nothing is allocated from
// it, and the entry fails as damaged (it ends early), in our words.
func TestZipHeadersAreNotTrusted(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "bagit.txt", Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(declaration)),
		CompressedSize64: uint64(len(declaration)), UncompressedSize64: 1 << 40})
	io.WriteString(w, declaration)
	zw.Close()
	fsys, err := openZip(t, buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = fs.ReadFile(fsys, "bagit.txt")
	var ee *EntryError
	if !errors.As(err, &ee) || ee.Reason != "is damaged: its compressed bytes cannot be read" {
		t.Fatalf("%v", err)
	}
	problems := refusal(t, fsys)
	if !has(problems, "bagit.txt", "is damaged") {
		t.Fatalf("%+v", problems)
	}
}

// Verify refuses links and other non-regular files before it reads
// anything behind them.
func TestVerifyRefusesLinks(t *testing.T) {
	bag := unzip(t, writeBag(t, "b"))
	bag["data/link.pdf"] = &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte("/etc/passwd")}
	bag["data/pipe"] = &fstest.MapFile{Mode: fs.ModeNamedPipe | 0o644}
	problems := refusal(t, bag)
	if len(problems) != 2 || !has(problems, "data/link.pdf", "is a symbolic link") || !has(problems, "data/pipe", "is not a regular file") {
		t.Fatalf("%+v", problems)
	}
}
