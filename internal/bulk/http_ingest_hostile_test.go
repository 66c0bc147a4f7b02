package bulk_test

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Hostile zips through POST /api/v1/archive/ingests: unsafe entry names,
// zip bombs, damaged entries. Each is refused whole, in our words, and
// nothing of it is stored.

// Entry names that leave the bag, or mean another path elsewhere, refuse
// the bag at once (422, every such entry named), before a job exists:
// the zip package would quietly read "../../data/x.pdf" as data/x.pdf.
func TestIngestRefusesUnsafeEntryNamesBeforeStoringAnything(t *testing.T) {
	s := apitest.Empty(t, nil)
	ar := s.NewToken(t, "archivist")
	tmp := tempDir(t)
	before := s.StoreState(t)
	x := entry{name: "x.pdf", body: []byte("%PDF-1.4\n% smuggled\n%%EOF\n")}
	files := append(pdfs(2, "good"), x)
	unsafe := []string{
		"../../../../tmp/x.pdf", "/tmp/x.pdf", "../../data/x.pdf", "data/../../x.pdf", `..\..\data\x.pdf`, `data\x.pdf`,
		"data/x.pdf\x00.png", "C:/data/x.pdf", `C:\tmp\x.pdf`, "c:x.pdf", "./data/x.pdf", "data//x.pdf", "data/./x.pdf",
	}
	for _, name := range unsafe {
		entries := append(append(bagTags(t, files), payload(files[:2])...), entry{name: name, body: x.body})
		p := apitest.ExpectProblem(t, submitBag(t, s, ar, handZip(t, entries)), 422, "validation-failed")
		if !namesEntry(p, name, "") {
			t.Errorf("%q: the problem does not name the entry: %v", name, p)
		}
	}
	// All at once: every one is named.
	var all []entry
	for _, name := range unsafe {
		all = append(all, entry{name: name, body: x.body})
	}
	p := apitest.ExpectProblem(t, submitBag(t, s, ar, handZip(t, append(append(bagTags(t, files), payload(files[:2])...), all...))), 422, "validation-failed")
	for _, name := range unsafe {
		if !namesEntry(p, name, "") {
			t.Errorf("%q is not named among all: %v", name, p)
		}
	}
	s.ExpectStoreUnchanged(t, before)
	if left := ingestTemps(t, tmp); len(left) != 0 {
		t.Fatalf("refused bags left in the temp dir: %v", left)
	}
}

// Zips the zip package reads its own way are refused in our words, never
// its ("duplicate entries in zip file", "flate: corrupt input"): two
// entries of one name, a name both a file and a folder and a symbolic
// link at once (422); damaged entries fail the job, naming each.
func TestIngestStatesZipProblemsInOurWords(t *testing.T) {
	s := apitest.Empty(t, nil)
	ar := s.NewToken(t, "archivist")
	before := s.StoreState(t)
	files := pdfs(3, "minutes")
	bag := append(bagTags(t, files), payload(files)...)

	twice := append(append([]entry{}, bag...), entry{name: "data/minutes-0002.pdf", body: files[1].body})
	link := entry{name: "data/passwd.pdf", body: []byte("/etc/passwd")}
	for _, c := range []struct {
		zip           []byte
		entry, reason string
	}{
		{handZip(t, twice), "data/minutes-0002.pdf", "the zip holds two entries of this name"},
		{handZip(t, append(append([]entry{}, bag...), entry{name: "data/minutes-0001.pdf/inner.pdf", body: files[0].body})), "data/minutes-0001.pdf", "is both a file and a folder"},
		{symlinkZip(t, bag, link), "data/passwd.pdf", "is not a regular file"},
	} {
		r := submitBag(t, s, ar, c.zip)
		p := apitest.ExpectProblem(t, r, 422, "validation-failed")
		if !namesEntry(p, c.entry, c.reason) || bytes.Contains(r.Body, []byte("zip file")) {
			t.Errorf("%s: %v", c.entry, p)
		}
	}

	// Damaged data: the job fails naming each entry, in our words.
	damaged := rawZip(t, bag,
		rawEntry{name: "data/corrupt.pdf", body: []byte("%PDF-1.4\n"), raw: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, method: zip.Deflate},
		rawEntry{name: "data/crc.pdf", body: []byte("%PDF-1.4\n% crc\n"), raw: []byte("%PDF-1.4\n% CRC\n"), method: zip.Store})
	job := waitForJob(t, s, ar, apitest.Expect(t, submitBag(t, s, ar, damaged), 202).Header.Get("Location"))
	errs := jobErrors(job)
	if job["status"] != "failed" || job["stored"].(float64) != 0 ||
		!strings.Contains(errs, "data/corrupt.pdf: is damaged: its compressed bytes cannot be read") ||
		!strings.Contains(errs, "data/crc.pdf: is damaged: its bytes do not match the zip's CRC-32") ||
		strings.Contains(errs, "flate") || strings.Contains(errs, "zip:") {
		t.Fatalf("damaged entries: %v\n%s", job, errs)
	}
	// Not a zip at all.
	r := submitBag(t, s, ar, append([]byte("PK\x03\x04"), bytes.Repeat([]byte{7}, 300)...))
	if p := apitest.ExpectProblem(t, r, 400, "malformed-request"); p["detail"] != "the body is not a readable zip archive" {
		t.Fatalf("not a zip: %v", p)
	}
	s.ExpectStoreUnchanged(t, before)
}

// A 150 KB zip holding 150 MB of zeros behind a PDF header is refused as
// it expands (over 100 times its compressed size), whatever its headers
// say; the bag's good files are not stored either.
func TestIngestRefusesAZipBombBeforeStoringAnything(t *testing.T) {
	s := apitest.Empty(t, nil)
	ar := s.NewToken(t, "archivist")
	files := append(pdfs(3, "fine"), entry{name: "bomb.pdf", write: zeroPDF(150 << 20)})
	bomb := handZip(t, append(bagTags(t, files), payload(files)...))
	if len(bomb) > 200<<10 {
		t.Fatalf("the bomb is %d bytes zipped", len(bomb))
	}
	before := s.StoreState(t)
	job := waitForJob(t, s, ar, apitest.Expect(t, submitBag(t, s, ar, bomb), 202).Header.Get("Location"))
	errs := jobErrors(job)
	if job["status"] != "failed" || job["stored"].(float64) != 0 ||
		!strings.Contains(errs, "data/bomb.pdf: expands to more than 100 times its compressed size, the limit (refused as a possible zip bomb)") {
		t.Fatalf("zip bomb: %v\n%s", job, errs)
	}
	s.ExpectStoreUnchanged(t, before)
}

// namesEntry reports whether a 422 problem has an error for entry whose
// problem says reason.
func namesEntry(p map[string]any, entry, reason string) bool {
	errs, _ := p["errors"].([]any)
	for _, e := range errs {
		e := e.(map[string]any)
		if e["field"] == entry && strings.Contains(e["problem"].(string), reason) {
			return true
		}
	}
	return false
}

// symlinkZip is bag plus link as a symbolic link entry (its body the
// target), as zip -y writes one.
func symlinkZip(t testing.TB, bag []entry, link entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range bag {
		w, _ := zw.Create(e.name)
		w.Write(e.body)
	}
	h := &zip.FileHeader{Name: link.name, Method: zip.Store}
	h.SetMode(fs.ModeSymlink | 0o777)
	w, err := zw.CreateHeader(h)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(link.body)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawEntry is an entry written as raw bytes under a header made from body
// (its CRC-32 and size): raw bytes that do not decompress to body make a
// damaged entry.
type rawEntry struct {
	name      string
	body, raw []byte
	method    uint16
}

// rawZip is bag plus raw entries, each also listed in a manifest with
// the checksum of its body.
func rawZip(t testing.TB, bag []entry, raws ...rawEntry) []byte {
	t.Helper()
	var files []entry
	for _, e := range bag {
		if after, ok := strings.CutPrefix(e.name, "data/"); ok {
			files = append(files, entry{name: after, body: e.body})
		}
	}
	for _, r := range raws {
		files = append(files, entry{name: strings.TrimPrefix(r.name, "data/"), body: r.body})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range append(bagTags(t, files), payload(files[:len(files)-len(raws)])...) {
		w, _ := zw.Create(e.name)
		w.Write(e.body)
	}
	for _, r := range raws {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: r.name, Method: r.method, CRC32: crc32.ChecksumIEEE(r.body),
			CompressedSize64: uint64(len(r.raw)), UncompressedSize64: uint64(len(r.body))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(r.raw)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
