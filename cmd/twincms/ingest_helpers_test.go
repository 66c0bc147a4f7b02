package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// bagFile is one payload file of a generated folder or bag.
type bagFile struct {
	path string // slash-separated, relative to the folder or data/
	body []byte
}

// tinyPDFs makes n small, distinct PDFs named <tag>-0001.pdf … under dir
// (a sub-folder, or "" for none).
func tinyPDFs(n int, tag, dir string) []bagFile {
	out := make([]bagFile, n)
	for i := range out {
		name := fmt.Sprintf("%s-%04d.pdf", tag, i+1)
		if dir != "" {
			name = dir + "/" + name
		}
		out[i] = bagFile{path: name, body: fmt.Appendf(nil, "%%PDF-1.4\n%% bulk ingest test %s %d\n1 0 obj << /Type /Catalog >> endobj\n%%%%EOF\n", tag, i+1)}
	}
	return out
}

// writeFolder writes files under dir.
func writeFolder(t testing.TB, dir string, files []bagFile) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// writeBag writes a valid BagIt 1.0 bag of files into dir (as bagit-python
// would): bagit.txt, bag-info.txt with Payload-Oxum, manifest-sha256.txt
// and tagmanifest-sha256.txt.
func writeBag(t testing.TB, dir string, files []bagFile) string {
	t.Helper()
	var manifest strings.Builder
	var octets int
	sorted := append([]bagFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].path < sorted[j].path })
	for _, f := range sorted {
		fmt.Fprintf(&manifest, "%s  data/%s\n", sha(f.body), f.path)
		octets += len(f.body)
	}
	writeFolder(t, filepath.Join(dir, "data"), files)
	tags := []bagFile{
		{"bagit.txt", []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		{"bag-info.txt", fmt.Appendf(nil, "Source-Organization: Zgodovinski arhiv Ljubljana\nPayload-Oxum: %d.%d\n", octets, len(files))},
		{"manifest-sha256.txt", []byte(manifest.String())},
	}
	writeFolder(t, dir, tags)
	var tagManifest strings.Builder
	for _, f := range tags {
		fmt.Fprintf(&tagManifest, "%s  %s\n", sha(f.body), f.path)
	}
	writeFolder(t, dir, []bagFile{{"tagmanifest-sha256.txt", []byte(tagManifest.String())}})
	return dir
}

// zipDir zips the tree at dir with every entry under base/ (as our own
// export does; base "" puts the bag at the zip's root).
func zipDir(t testing.TB, dir, base string) []byte {
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

// emptyServer starts a server without demo content, so counts start at 0.
func emptyServer(t testing.TB, env map[string]string) *testServer {
	t.Helper()
	vars := map[string]string{"TWINCMS_DEMO": "false"}
	for k, v := range env {
		vars[k] = v
	}
	s, err := startTestServer(t.TempDir(), vars)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	return s
}

// ingestCommand runs `twincms ingest` against s's stores and returns its
// output and error.
func (s *testServer) ingestCommand(t testing.TB, ctx context.Context, path, metadata string, workers int) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := ingestFiles(ctx, s.srv.bulkParts(), ingestArgs{path: path, metadata: metadata, workers: workers}, &out, false)
	return out.String(), err
}

// stored is what the store holds: document records, checksum claims and
// objects (originals and renditions), to compare before and after.
type stored struct{ documents, claims, objects int }

func (s *testServer) stored(t testing.TB) stored {
	t.Helper()
	claims, err := s.srv.documents.Claims(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return stored{documents: s.documentCount(t), claims: len(claims), objects: len(s.objectKeys(t))}
}

// distinctChecksums counts the different SHA-256s among the records.
func (s *testServer) distinctChecksums(t testing.TB) int {
	t.Helper()
	all, err := s.srv.documents.All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range all {
		seen[d.File.SHA256] = true
	}
	return len(seen)
}
