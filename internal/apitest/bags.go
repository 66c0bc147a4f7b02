package apitest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Generated folders, BagIt bags and zips for the bulk ingest and bag tests.

// BagFile is one payload file of a generated folder or bag.
type BagFile struct {
	Path string // slash-separated, relative to the folder or data/
	Body []byte
}

// TinyPDFs makes n small, distinct PDFs named <tag>-0001.pdf … under dir
// (a sub-folder, or "" for none).
func TinyPDFs(n int, tag, dir string) []BagFile {
	out := make([]BagFile, n)
	for i := range out {
		name := fmt.Sprintf("%s-%04d.pdf", tag, i+1)
		if dir != "" {
			name = dir + "/" + name
		}
		out[i] = BagFile{Path: name, Body: fmt.Appendf(nil, "%%PDF-1.4\n%% bulk ingest test %s %d\n1 0 obj << /Type /Catalog >> endobj\n%%%%EOF\n", tag, i+1)}
	}
	return out
}

// WriteFolder writes files under dir.
func WriteFolder(t testing.TB, dir string, files []BagFile) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteBag writes a valid BagIt 1.0 bag of files into dir (as bagit-python
// would): bagit.txt, bag-info.txt with Payload-Oxum, manifest-sha256.txt
// and tagmanifest-sha256.txt.
func WriteBag(t testing.TB, dir string, files []BagFile) string {
	t.Helper()
	var manifest strings.Builder
	var octets int
	sorted := append([]BagFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	for _, f := range sorted {
		fmt.Fprintf(&manifest, "%s  data/%s\n", SHA(f.Body), f.Path)
		octets += len(f.Body)
	}
	WriteFolder(t, filepath.Join(dir, "data"), files)
	tags := []BagFile{
		{"bagit.txt", []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		{"bag-info.txt", fmt.Appendf(nil, "Source-Organization: Zgodovinski arhiv Ljubljana\nPayload-Oxum: %d.%d\n", octets, len(files))},
		{"manifest-sha256.txt", []byte(manifest.String())},
	}
	WriteFolder(t, dir, tags)
	var tagManifest strings.Builder
	for _, f := range tags {
		fmt.Fprintf(&tagManifest, "%s  %s\n", SHA(f.Body), f.Path)
	}
	WriteFolder(t, dir, []BagFile{{"tagmanifest-sha256.txt", []byte(tagManifest.String())}})
	return dir
}

// ZipDir zips the tree at dir with every entry under base/ (as our own
// export does; base "" puts the bag at the zip's root).
func ZipDir(t testing.TB, dir, base string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(rel)
		if base != "" {
			name = base + "/" + name
		}
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
