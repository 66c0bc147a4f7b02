package bagit

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func sum256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// FuzzBagManifest feeds arbitrary manifests and bag-info to the verifier
// (an HTTP client controls both): it never panics, and accepts a bag only
// when every payload file matches its checksum.
func FuzzBagManifest(f *testing.F) {
	body := "%PDF-1.4\n"
	f.Add(sum256(body)+"  data/a.pdf\n", "Payload-Oxum: 9.1\n")
	f.Add(sum256(body)+" data/a.pdf\r\n", "")
	f.Add(sum256("other")+"  data/a.pdf\n", "Payload-Oxum: x.y\n")
	f.Add("zz  data/../../etc/passwd\n", "Payload-Oxum: 9.1\n  continued\n")
	f.Add(sum256(body)+"  data/a%25.pdf\n"+sum256(body)+"  data/a.pdf\n", ":\n")
	f.Fuzz(func(t *testing.T, manifest, info string) {
		fsys := fstest.MapFS{
			"bagit.txt":           {Data: []byte(declaration)},
			"bag-info.txt":        {Data: []byte(info)},
			"manifest-sha256.txt": {Data: []byte(manifest)},
			"data/a.pdf":          {Data: []byte(body)},
		}
		files, err := Verify(context.Background(), fsys, Options{})
		var be *Error
		switch {
		case err == nil:
			if len(files) != 1 || files[0].Path != "data/a.pdf" || files[0].SHA256 != sum256(body) {
				t.Fatalf("accepted %+v", files)
			}
		case !errors.As(err, &be) || len(be.Problems) == 0:
			t.Fatalf("refused without a report: %v", err)
		}
	})
}

// payload is what the round-trip bag holds: names a manifest must encode,
// one name twice, a sub-directory.
var payload = []struct{ name, body string }{
	{"a.pdf", "%PDF-1.4\n a\n"},
	{"a.pdf", "%PDF-1.4\n another a\n"},
	{"100% sure\nreally.txt", "percent and a line break in the name\n"},
	{"scans/1987/b.png", "\x89PNG\r\n"},
	{"empty.txt", ""},
}

// writeBag writes the round-trip bag into memory and returns its zip.
func writeBag(t *testing.T, base string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf, base)
	for _, p := range payload {
		f, err := w.AddPayload(p.name, time.Now(), strings.NewReader(p.body))
		if err != nil || f.Size != int64(len(p.body)) || f.SHA256 != sum256(p.body) {
			t.Fatalf("%q: %+v %v", p.name, f, err)
		}
	}
	if err := w.AddTagFile("metadata/record.json", []byte(`{"id": "x"}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(Info{SourceOrganization: "Arhiv", ExternalDescription: "two\nlines", BagSoftwareAgent: "test"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// unzip reads a zipped bag into a map, every byte of it, so a test can
// damage it; Root finds the bag in the zip.
func unzip(t *testing.T, data []byte) fstest.MapFS {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	root, ok := Root(z)
	if !ok {
		t.Fatal("no bag in the zip")
	}
	out := fstest.MapFS{}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(root, p)
		out[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestWrittenBagVerifies(t *testing.T) {
	data := writeBag(t, "/round-trip-bag/")
	z, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, f := range z.File {
		if !strings.HasPrefix(f.Name, "round-trip-bag/") {
			t.Errorf("entry %q is outside the base directory", f.Name)
		}
		if strings.HasPrefix(f.Name, "round-trip-bag/data/") != (f.Method == zip.Store) {
			t.Errorf("entry %q: method %d (payload stored, tag files deflated)", f.Name, f.Method)
		}
	}
	var listed []File
	var hashed int64
	root, _ := Root(z)
	files, err := Verify(context.Background(), root, Options{Listed: func(p []File) { listed = p }, Hashed: func(n int64) { hashed += n }})
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{"data/100% sure\nreally.txt", 37, sum256(payload[2].body)},
		{"data/a (2).pdf", 20, sum256(payload[1].body)},
		{"data/a.pdf", 12, sum256(payload[0].body)},
		{"data/empty.txt", 0, sum256("")},
		{"data/scans/1987/b.png", 6, sum256(payload[3].body)},
	}
	if len(files) != len(want) || len(listed) != len(want) {
		t.Fatalf("verified %+v, listed %+v", files, listed)
	}
	for i := range want {
		if files[i] != want[i] {
			t.Errorf("file %d: %+v, want %+v", i, files[i], want[i])
		}
	}
	if hashed != 75 {
		t.Errorf("hashed %d bytes, want 75", hashed)
	}
	bag := unzip(t, data)
	if got := string(bag["manifest-sha256.txt"].Data); !strings.Contains(got, "  data/100%25 sure%0Areally.txt\n") {
		t.Errorf("manifest does not encode the path:\n%s", got)
	}
	info := parseTags(bag["bag-info.txt"].Data)
	if info["Payload-Oxum"] != "75.5" || info["External-Description"] != "two lines" || info["Bagging-Date"] == "" || info["External-Identifier"] != "" {
		t.Errorf("bag-info.txt %q", bag["bag-info.txt"].Data)
	}
	tags := string(bag["tagmanifest-sha256.txt"].Data)
	for _, name := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "metadata/record.json"} {
		if !strings.Contains(tags, "  "+name+"\n") {
			t.Errorf("tag manifest lacks %s:\n%s", name, tags)
		}
	}
	if string(bag["bagit.txt"].Data) != declaration {
		t.Errorf("bagit.txt %q", bag["bagit.txt"].Data)
	}
}

func TestBagAtTheZipRoot(t *testing.T) {
	data := writeBag(t, "")
	z, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	root, ok := Root(z)
	if !ok || root != fs.FS(z) {
		t.Fatalf("bag at the root not found (%v)", ok)
	}
	if _, err := Verify(context.Background(), root, Options{}); err != nil {
		t.Fatal(err)
	}
}

// refusal verifies fsys, wants it refused, and returns the report.
func refusal(t *testing.T, fsys fs.FS) []Problem {
	t.Helper()
	files, err := Verify(context.Background(), fsys, Options{})
	var be *Error
	if !errors.As(err, &be) || files != nil {
		t.Fatalf("want a refusal, got %+v, %v", files, err)
	}
	return be.Problems
}

// has reports whether one of problems is about file and says reason.
func has(problems []Problem, file, reason string) bool {
	for _, p := range problems {
		if p.File == file && strings.Contains(p.Reason, reason) {
			return true
		}
	}
	return false
}

func TestAlteredByteNamesTheFile(t *testing.T) {
	for _, name := range []string{"data/scans/1987/b.png", "metadata/record.json", "bag-info.txt"} {
		bag := unzip(t, writeBag(t, "b"))
		b := bytes.Clone(bag[name].Data)
		b[len(b)/2] ^= 1
		bag[name].Data = b
		problems := refusal(t, bag)
		if len(problems) != 1 || !has(problems, name, "does not match its sha256 checksum") {
			t.Errorf("%s altered: %v", name, problems)
		}
	}
}

func TestPathsOutsideTheBagAreRefused(t *testing.T) {
	for _, p := range []string{"data/../../etc/passwd", "/etc/passwd", "data/./a.pdf", "data//a.pdf"} {
		bag := unzip(t, writeBag(t, "b"))
		bag["manifest-sha256.txt"].Data = append(bag["manifest-sha256.txt"].Data, sum256("x")+"  "+p+"\n"...)
		if problems := refusal(t, bag); !has(problems, "manifest-sha256.txt", "a path outside the bag") {
			t.Errorf("%s: %v", p, problems)
		}
	}
	w := NewWriter(io.Discard, "b")
	for _, p := range []string{"../a.pdf", "/etc/passwd", "a/../../b", ".", ""} {
		if _, err := w.AddPayload(p, time.Now(), strings.NewReader("x")); !errors.Is(err, ErrPath) {
			t.Errorf("payload %q: %v", p, err)
		}
	}
	for _, p := range []string{"../a.json", "/abs.json", "data/x.json", "bagit.txt", "bag-info.txt", "manifest-md5.txt", "tagmanifest-sha256.txt", "fetch.txt"} {
		if err := w.AddTagFile(p, nil); !errors.Is(err, ErrPath) {
			t.Errorf("tag file %q: %v", p, err)
		}
	}
	if err := errors.Join(w.AddTagFile("meta.json", nil), w.AddTagFile("meta.json", nil)); !errors.Is(err, ErrPath) {
		t.Errorf("a tag file twice: %v", err)
	}
}

func TestIncompleteBagsNameEveryProblem(t *testing.T) {
	bag := unzip(t, writeBag(t, "b"))
	delete(bag, "data/a.pdf")
	bag["data/extra.pdf"] = &fstest.MapFile{Data: []byte("x")}
	bag["fetch.txt"] = &fstest.MapFile{Data: []byte("https://example.org/x 1 data/x\n")}
	bag["bagit.txt"].Data = []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: ISO-8859-2\n")
	bag["manifest-sha3.txt"] = &fstest.MapFile{}
	problems := refusal(t, bag)
	for _, want := range []Problem{
		{"data/a.pdf", "is listed in manifest-sha256.txt but missing"},
		{"data/extra.pdf", "is not listed in manifest-sha256.txt"},
		{"fetch.txt", "bags with files to fetch are not accepted"},
		{"bagit.txt", `Tag-File-Character-Encoding is "ISO-8859-2"`},
		{"bagit.txt", "does not match its sha256 checksum"},
		{"manifest-sha3.txt", `algorithm "sha3" is not supported`},
		{"bag-info.txt", "Payload-Oxum says 75 bytes in 5 files; the payload has 64 bytes in 5 files"},
	} {
		if !has(problems, want.File, want.Reason) {
			t.Errorf("no %v in %v", want, problems)
		}
	}
	err := &Error{Problems: problems[:2]}
	if !strings.HasPrefix(err.Error(), "bagit: the bag does not verify: "+problems[0].String()+"; ") {
		t.Errorf("%v", err)
	}

	problems = refusal(t, fstest.MapFS{"data/a": {}})
	for _, want := range []Problem{{"bagit.txt", "is missing"}, {"manifest-sha256.txt", "is missing: a bag needs manifest-sha256.txt or manifest-sha512.txt"}} {
		if !has(problems, want.File, want.Reason) {
			t.Errorf("no %v in %v", want, problems)
		}
	}
	if problems := refusal(t, fstest.MapFS{"bagit.txt": {Data: []byte(declaration)}}); !has(problems, "data/", "the payload directory is missing") {
		t.Errorf("no payload: %v", problems)
	}
}

func TestOtherManifestAlgorithmsAreVerified(t *testing.T) {
	bag := unzip(t, writeBag(t, "b"))
	var md5 strings.Builder
	for p := range bag {
		if strings.HasPrefix(p, "data/") {
			sums, _, err := HashFile(bag, p, "md5", "sha512")
			if err != nil || len(sums) != 3 {
				t.Fatalf("%s: %v %v", p, sums, err)
			}
			appendManifestLine(&md5, strings.ToUpper(sums["md5"]), p)
		}
	}
	bag["manifest-md5.txt"] = &fstest.MapFile{Data: []byte(md5.String())}
	if _, err := Verify(context.Background(), bag, Options{}); err != nil {
		t.Fatal(err)
	}
	bag["data/a.pdf"].Data = []byte("%PDF-1.4\n b\n")
	problems := refusal(t, bag)
	if !has(problems, "data/a.pdf", "md5 checksum in manifest-md5.txt") || !has(problems, "data/a.pdf", "sha256 checksum in manifest-sha256.txt") {
		t.Errorf("%v", problems)
	}
	if _, _, err := HashFile(bag, "data/a.pdf", "crc32"); err == nil {
		t.Error("an unknown algorithm hashed")
	}
}

func TestPathEncodingRoundTrips(t *testing.T) {
	for raw, enc := range map[string]string{
		"data/plain.pdf":  "data/plain.pdf",
		"data/100%.pdf":   "data/100%25.pdf",
		"data/a\r\nb.pdf": "data/a%0D%0Ab.pdf",
		"data/%0A.pdf":    "data/%250A.pdf",
	} {
		var b strings.Builder
		appendManifestLine(&b, "abc", raw)
		if b.String() != "abc  "+enc+"\n" {
			t.Errorf("%q written as %q", raw, b.String())
		}
		if sum, p, ok := parseManifestLine(strings.TrimSuffix(b.String(), "\n")); !ok || sum != "abc" || p != raw {
			t.Errorf("%q read back as %q %q", b.String(), sum, p)
		}
	}
	if _, p, _ := parseManifestLine("abc \t data/a%0d%0a.pdf"); p != "data/a\r\n.pdf" {
		t.Errorf("lower-case escapes and blanks: %q", p)
	}
}

func TestParseTagsAndOxum(t *testing.T) {
	tags := parseTags([]byte("\ufeffA: 1\r\nB:two\n  continued\n\tagain\nA: repeated\nno colon\n"))
	if len(tags) != 2 || tags["A"] != "1" || tags["B"] != "two continued again" {
		t.Errorf("%q", tags)
	}
	for s, want := range map[string]bool{"77.5": true, "0.0": true, "77": false, "x.5": false, "7.y": false, "": false} {
		if o, ok := parseOxum(s); ok != want || ok && o.String() != s {
			t.Errorf("%q: %v %v", s, o, ok)
		}
	}
}
