package bulk_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
)

// Hand-made zips for the hostile-input tests: any entry name, bodies
// written as a stream (a zip bomb is never held in memory).

// entry is one zip entry: a name as the sender wrote it, and its bytes.
type entry struct {
	name string
	body []byte
	// write, when set, streams the body instead (body is then unused).
	write func(w io.Writer) error
	// stored: no compression (else deflate at its best).
	stored bool
}

// handZip writes entries, in order, as a zip.
func handZip(t testing.TB, entries []entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, e := range entries {
		method := zip.Deflate
		if e.stored {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if e.write != nil {
			err = e.write(w)
		} else {
			_, err = w.Write(e.body)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bagTags are the tag files of a bag at the zip's root whose payload is
// files (paths under data/), checksums measured from each file's bytes.
func bagTags(t testing.TB, files []entry) []entry {
	t.Helper()
	var manifest strings.Builder
	for _, f := range files {
		h := sha256.New()
		if f.write != nil {
			if err := f.write(h); err != nil {
				t.Fatal(err)
			}
		} else {
			h.Write(f.body)
		}
		fmt.Fprintf(&manifest, "%s  data/%s\n", hex.EncodeToString(h.Sum(nil)), f.name)
	}
	return []entry{
		{name: "bagit.txt", body: []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		{name: "manifest-sha256.txt", body: []byte(manifest.String())},
	}
}

// payload puts files under data/ as entries.
func payload(files []entry) []entry {
	out := make([]entry, len(files))
	for i, f := range files {
		out[i] = f
		out[i].name = "data/" + f.name
	}
	return out
}

// pdfs are n small distinct PDFs as entries (names relative to data/).
func pdfs(n int, tag string) []entry {
	var out []entry
	for _, f := range apitest.TinyPDFs(n, tag, "") {
		out = append(out, entry{name: f.Path, body: f.Body})
	}
	return out
}

// zeroPDF streams a PDF header and then size bytes of zeros: 150 MB of
// it deflate to about 150 KB.
func zeroPDF(size int64) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := io.WriteString(w, "%PDF-1.4\n% zeros follow\n"); err != nil {
			return err
		}
		zeros := make([]byte, 1<<20)
		for left := size; left > 0; left -= int64(len(zeros)) {
			if _, err := w.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "\n%%EOF\n")
		return err
	}
}

// ingestTemps lists the bags kept in dir (the temp dir of a test server).
func ingestTemps(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "twincms-ingest-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tempDir points the process's temp dir (where a server keeps the bags it
// receives) at a fresh directory, after the server has started, and
// returns it.
func tempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	if os.TempDir() != dir {
		t.Fatalf("TMPDIR is not used: %s", os.TempDir())
	}
	return dir
}

// jobErrors is a finished job's errors as "file: reason" lines.
func jobErrors(job map[string]any) string {
	var b strings.Builder
	for _, e := range job["errors"].([]any) {
		e := e.(map[string]any)
		fmt.Fprintf(&b, "%v: %v\n", e["file"], e["reason"])
	}
	return b.String()
}
