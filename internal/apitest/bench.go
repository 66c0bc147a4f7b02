package apitest

import (
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/content"
)

// Helpers for the benchmarks that start servers: big streamed bodies, heap
// growth, unhooked content writes.

// BenchServer starts an instance without demo content on a temp dir that
// is removed, with the instance, when the benchmark ends.
func BenchServer(b *testing.B) *Server {
	b.Helper()
	return Empty(b, nil)
}

// ScanReader yields size bytes that start like a PDF, differ per seed (so
// uploads are not duplicates) and are never all in memory.
type ScanReader struct {
	block []byte
	left  int64
	pos   int
}

// NewScanReader is a ScanReader of size bytes.
func NewScanReader(seed uint64, size int64) *ScanReader {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(r.UintN(256))
	}
	copy(block, fmt.Sprintf("%%PDF-1.7\n%% scan %d\n", seed))
	return &ScanReader{block: block, left: size}
}

func (s *ScanReader) Read(p []byte) (int, error) {
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

// MeasureHeapGrowth runs do once per benchmark iteration and reports the
// peak heap growth over the run (MiB-heap-growth); bytes is what one
// iteration moves.
func MeasureHeapGrowth(b *testing.B, bytes int64, do func(i int)) {
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

// QuietContent is the content service over s's stores with no hooks, for
// benchmarks that seed thousands of records (each hooked write would
// update the published snapshot); they rebuild once at the end.
func (s *Server) QuietContent() *content.Services {
	in := s.CMS
	return content.New(content.Config{Partnerships: in.Partnerships, Blocks: in.Blocks, Pages: in.Pages,
		Documents: in.Documents, Locales: in.Locales})
}
