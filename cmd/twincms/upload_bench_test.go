package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

const benchUploadSize = 200 << 20

// scanReader yields size bytes that start like a PDF, differ per seed (so
// uploads are not duplicates) and are never all in memory.
type scanReader struct {
	block []byte
	left  int64
	pos   int
}

func newScanReader(seed uint64, size int64) *scanReader {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(r.UintN(256))
	}
	copy(block, fmt.Sprintf("%%PDF-1.7\n%% scan %d\n", seed))
	return &scanReader{block: block, left: size}
}

func (s *scanReader) Read(p []byte) (int, error) {
	if s.left == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.block[s.pos:])
	if int64(n) > s.left {
		n = int(s.left)
	}
	s.pos = (s.pos + n) % len(s.block)
	s.left -= int64(n)
	return n, nil
}

// peakHeap samples the heap in use until stop is closed.
func peakHeap(stop <-chan struct{}) *atomic.Uint64 {
	var peak atomic.Uint64
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapInuse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return &peak
}

// BenchmarkUpload200MB compares, in one run against the same embedded
// S3: a 200 MB scan through POST /documents (multipart, streamed, hashed,
// sniffed, recorded) and a plain PutObject of the same bytes. It reports
// the heap growth during each (the server runs in this process).
func BenchmarkUpload200MB(b *testing.B) {
	s := benchServer(b)
	ctx := context.Background()
	seed := uint64(time.Now().UnixNano())

	b.Run("api-POST-documents", func(b *testing.B) {
		measureHeapGrowth(b, benchUploadSize, func(i int) {
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				h := textproto.MIMEHeader{}
				h.Set("Content-Disposition", `form-data; name="metadata"`)
				w, _ := mw.CreatePart(h)
				fmt.Fprintf(w, `{"kind":"scan","title":{"sl":"Sken %d"}}`, i)
				h = textproto.MIMEHeader{}
				h.Set("Content-Disposition", `form-data; name="file"; filename="sken.pdf"`)
				w, _ = mw.CreatePart(h)
				_, err := io.Copy(w, newScanReader(seed+uint64(i), benchUploadSize))
				mw.Close()
				pw.CloseWithError(err)
			}()
			hr, _ := http.NewRequest("POST", s.base+"/api/v1/documents", pr)
			hr.Header.Set("Content-Type", mw.FormDataContentType())
			hr.Header.Set("Authorization", "Bearer "+testAdminToken)
			// A plain client: the contract-checking one re-reads request bodies,
			// which a streamed pipe cannot give twice.
			res, err := (&http.Client{}).Do(hr)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 201 {
				b.Fatalf("upload: %d", res.StatusCode)
			}
		})
	})
	b.Run("plain-PutObject", func(b *testing.B) {
		measureHeapGrowth(b, benchUploadSize, func(i int) {
			key := fmt.Sprintf("bench/plain-%d", i)
			if _, err := s.srv.objs.Put(ctx, key, newScanReader(seed+1000+uint64(i), benchUploadSize), benchUploadSize, "application/pdf", nil); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// measureHeapGrowth runs do for every iteration with bytes as the
// throughput unit and reports the peak heap growth over the start.
func measureHeapGrowth(b *testing.B, bytes int64, do func(i int)) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.SetBytes(bytes)
	i := 0
	for b.Loop() {
		do(i)
		i++
	}
	close(stop)
	b.ReportMetric(float64(int64(peak.Load())-int64(base.HeapInuse))/(1<<20), "MiB-heap-growth")
}

// benchServer starts an instance without demo content on a temp dir that
// is removed, with the instance, when the benchmark ends.
func benchServer(b *testing.B) *testServer {
	b.Helper()
	s, err := startTestServer(b.TempDir(), map[string]string{"TWINCMS_DEMO": "false"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(s.close)
	return s
}
