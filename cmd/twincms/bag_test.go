package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jesenice/twincms/demo"
)

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

func TestBagUnpacksIntoOneBaseDirectoryAndVerifies(t *testing.T) {
	ar := shared.newToken(t, "archivist")
	ed := shared.newToken(t, "editor")
	var list struct {
		Items []struct {
			ID   string `json:"id"`
			Slug string `json:"slug"`
		} `json:"items"`
	}
	expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/partnerships?q=nagold", Token: ed}), 200).JSON(t, &list)
	id := list.Items[0].ID
	r := expect(t, shared.do(t, req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar}), 200)
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
	if len(payload) != 5 || !payload["data/Pogodba o sodelovanju – Nagold.pdf"] || !payload["data/nagold-grb.png"] {
		t.Fatalf("payload %v", payload)
	}
	meta, _ := os.ReadFile(filepath.Join(bag, "metadata", "partnership.json"))
	if !strings.Contains(string(meta), `"id": "`+id+`"`) || !strings.Contains(string(meta), `"slug": "nagold"`) {
		t.Error("partnership metadata missing")
	}
	if !strings.Contains(string(mustRead(t, filepath.Join(bag, "bag-info.txt"))), "External-Identifier: twincms:partnership:"+id) {
		t.Error("External-Identifier missing")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// killObjectStore kills the embedded S3 child the way a crash would.
func killObjectStore(t *testing.T, s *testServer) {
	t.Helper()
	if s.srv.embS3 == nil {
		t.Skip("kills the embedded object store; the MinIO cluster tests take an external store's nodes away")
	}
	if err := syscall.Kill(s.srv.embS3.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// bagFixture starts a server without demo content and one partnership
// holding a document of size bytes; it returns the server, an archivist
// token and the partnership id.
func bagFixture(t *testing.T, size int) (*testServer, string, string) {
	t.Helper()
	s, err := startTestServer(t.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	ed, ar := s.newToken(t, "editor"), s.newToken(t, "archivist")
	p := create(t, s, ed, minimalPartnership("vreca", "Vreča"))
	pdf := demo.PlaceholderPDF("Bag fixture")
	if size > len(pdf) {
		pdf = append(pdf, bytes.Repeat([]byte("%padding\n"), (size-len(pdf))/9+1)...)
	}
	meta := map[string]any{"kind": "scan", "title": map[string]string{"sl": "Sken"}, "partnership_ids": []string{p["id"].(string)}}
	expect(t, s.upload(t, ed, meta, "sken.pdf", "", pdf), 201)
	return s, ar, p["id"].(string)
}

// With the object store down, the bag is a 503 problem before any byte
// of a zip, never a 200 with an empty zip.
func TestBagWithStoreDownIsAProblemBeforeTheFirstByte(t *testing.T) {
	s, ar, id := bagFixture(t, 0)
	killObjectStore(t, s)
	start := time.Now()
	r := s.do(t, req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar})
	expectProblem(t, r, 503, "unavailable")
	if d := time.Since(start); d > 15*time.Second {
		t.Fatalf("503 took %s", d)
	}
}

// A store failure after the zip started streaming aborts the transfer:
// the client sees a failed download, and what arrived is no valid zip.
func TestBagFailingMidStreamIsNotAValidZip(t *testing.T) {
	s, ar, id := bagFixture(t, 64<<20)
	hr, _ := http.NewRequest("GET", s.base+"/api/v1/archive/partnerships/"+id+"/bag", nil)
	hr.Header.Set("Authorization", "Bearer "+ar)
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	// Streaming has started: take a little, then the store dies while the
	// rest (far more than the socket buffers hold) is still to be read.
	head := make([]byte, 64<<10)
	if _, err := io.ReadFull(res.Body, head); err != nil {
		t.Fatal(err)
	}
	killObjectStore(t, s)
	rest, readErr := io.ReadAll(res.Body)
	body := append(head, rest...)
	if readErr == nil {
		t.Errorf("the download of a failed bag ended cleanly after %d bytes; want a transfer error", len(body))
	}
	if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err == nil {
		t.Errorf("%d bytes of a failed bag read as a valid zip", len(body))
	}
	if len(body) >= 64<<20 {
		t.Errorf("got %s bytes: the store died after the whole payload was sent", strconv.Itoa(len(body)))
	}
}

// A missing original is a 409 problem before the first byte, not a bag
// that fails its own manifest.
func TestBagWithAMissingOriginalIsAConflict(t *testing.T) {
	s, ar, id := bagFixture(t, 0)
	docs, err := s.srv.documents.All(context.Background())
	if err != nil || len(docs) != 1 {
		t.Fatalf("%d documents (%v)", len(docs), err)
	}
	if err := s.srv.objs.Remove(context.Background(), docs[0].File.Key); err != nil {
		t.Fatal(err)
	}
	expectProblem(t, s.do(t, req{Method: "GET", Path: "/api/v1/archive/partnerships/" + id + "/bag", Token: ar}), 409, "conflict")
}
