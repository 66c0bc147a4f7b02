package archive_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/jesenice/twincms/internal/testtools"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// The BagIt export of a partnership (RFC 8493), checked from the files
// of the unpacked bag alone.

func TestBagUnpacksIntoOneBaseDirectoryAndVerifies(t *testing.T) {
	shared := apitest.Shared(t)
	ar := shared.NewToken(t, "archivist")
	ed := shared.NewToken(t, "editor")
	id := shared.PartnershipID(t, ed, "nagold")
	// The PDFs' text (their text layer) is read in the background: the
	// bag carries what is extracted when it is made.
	shared.WaitTexts(t)
	r := apitest.Expect(t, shared.Do(t, apitest.Req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar}), 200)
	if r.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="nagold-bag.zip"`) {
		t.Fatalf("Content-Disposition %q, want the base directory's name + .zip", cd)
	}
	dir := t.TempDir()
	if out := os.Getenv("TWINCMS_TEST_BAG_DIR"); out != "" {
		// CI validates this bag with the Library of Congress validator.
		dir = out
		_ = os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bag := unpackBag(t, r.Body, dir)
	if filepath.Base(bag) != "nagold-bag" {
		t.Fatalf("base directory %q, want nagold-bag", filepath.Base(bag))
	}
	payload := verifyBag(t, bag)
	// The five originals, and beside each PDF its extracted text (the
	// crest, a picture, has none).
	texts := 0
	for p := range payload {
		if strings.HasPrefix(p, "data/text/") {
			texts++
			if !strings.HasSuffix(p, ".pdf.txt") || !payload["data/"+strings.TrimSuffix(strings.TrimPrefix(p, "data/text/"), ".txt")] {
				t.Errorf("text %s belongs to no PDF original", p)
			}
		}
	}
	if len(payload)-texts != 5 || !payload["data/Pogodba o sodelovanju – Nagold.pdf"] || !payload["data/nagold-grb.png"] {
		t.Fatalf("payload %v", payload)
	}
	// The texts need poppler's pdftotext (no text is extracted without it).
	testtools.Need(t, "poppler-utils", "pdftotext")
	if len(payload)-texts != 5 || !payload["data/Pogodba o sodelovanju – Nagold.pdf"] || !payload["data/nagold-grb.png"] || texts != 4 {
		t.Fatalf("payload %v", payload)
	}
	text := string(mustRead(t, filepath.Join(bag, "data", "text", "Pogodba o sodelovanju – Nagold.pdf.txt")))
	if !strings.Contains(text, "Nagold") {
		t.Errorf("the agreement's text in the bag: %q", text)
	}
	checkPREMIS(t, bag)
	meta, _ := os.ReadFile(filepath.Join(bag, "metadata", "partnership.json"))
	if !strings.Contains(string(meta), `"id": "`+id+`"`) || !strings.Contains(string(meta), `"slug": "nagold"`) {
		t.Error("partnership metadata missing")
	}
	if !strings.Contains(string(mustRead(t, filepath.Join(bag, "bag-info.txt"))), "External-Identifier: twincms:partnership:"+id) {
		t.Error("External-Identifier missing")
	}
}

// unpackBag extracts a zip into dir the way an unzip tool would and
// returns the single top-level directory it made (RFC 8493 §4.2: a
// serialized bag unpacks into one base directory).
func unpackBag(t *testing.T, data []byte, dir string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		clean := filepath.Clean(f.Name)
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
			t.Fatalf("zip entry %q escapes the target directory", f.Name)
		}
		target := filepath.Join(dir, clean)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	top, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 1 || !top[0].IsDir() {
		var names []string
		for _, e := range top {
			names = append(names, e.Name())
		}
		t.Fatalf("the bag unpacks into %v, want one base directory", names)
	}
	return filepath.Join(dir, top[0].Name())
}

// verifyBag checks an unpacked bag from the files on disk alone: the
// declaration, every manifest line against recomputed SHA-256s, every
// payload file listed, and Payload-Oxum. It returns the payload paths.
func verifyBag(t *testing.T, bag string) map[string]bool {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(bag, name))
		if err != nil {
			t.Fatalf("bag lacks %s: %v", name, err)
		}
		return b
	}
	if got := string(read("bagit.txt")); got != "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n" {
		t.Fatalf("bagit.txt %q", got)
	}
	verify := func(manifest string) map[string]bool {
		listed := map[string]bool{}
		sc := bufio.NewScanner(bytes.NewReader(read(manifest)))
		for sc.Scan() {
			sum, name, ok := strings.Cut(sc.Text(), "  ")
			data, err := os.ReadFile(filepath.Join(bag, filepath.FromSlash(name)))
			got := sha256.Sum256(data)
			if !ok || err != nil || hex.EncodeToString(got[:]) != sum {
				t.Errorf("%s: %q does not verify (%v)", manifest, sc.Text(), err)
			}
			listed[name] = true
		}
		return listed
	}
	payload := verify("manifest-sha256.txt")
	tags := verify("tagmanifest-sha256.txt")
	var octets, files int
	err := filepath.WalkDir(filepath.Join(bag, "data"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(bag, p)
		if !payload[filepath.ToSlash(rel)] {
			t.Errorf("payload file %s is not in the manifest", rel)
		}
		info, _ := e.Info()
		octets += int(info.Size())
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "metadata/partnership.json", "metadata/documents.json"} {
		if !tags[tag] {
			t.Errorf("tag file %s missing from the tag manifest", tag)
		}
	}
	info := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(read("bag-info.txt"))), "\n") {
		k, v, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("bag-info.txt line %q", line)
		}
		info[k] = v
	}
	if want := fmt.Sprintf("%d.%d", octets, files); info["Payload-Oxum"] != want {
		t.Errorf("Payload-Oxum %q, payload is %s", info["Payload-Oxum"], want)
	}
	if info["Source-Organization"] != "Občina Jesenice" || info["Bagging-Date"] == "" {
		t.Errorf("bag-info.txt %v", info)
	}
	return payload
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
