package main

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
)

func TestMain(m *testing.M) { os.Exit(apitest.LazyMain(m, apitest.CoverNothing)) }

// The default rate (one sample per 512 KiB) misses most of what a few MiB
// of growth is made of.
func init() { runtime.MemProfileRate = 16 << 10 }

// BenchmarkSoakHeap drives the soak's load (8 readers, 2 uploaders, 2
// editors) against twincms in this process for TWINCMS_SOAK_DURATION
// (default 60 s), because a heap profile can only be taken from inside:
// the service has no profiling endpoint. It reports heap in use before
// the load, its peak under load, at its end (as the soak reads it from /metrics, garbage
// included), after a collection (in use, and live: what is still held),
// the allocation rate under load, and RSS and the Go runtime's mapped
// memory before and after, each read after debug.FreeOSMemory. With TWINCMS_BENCH_PROFILE_DIR it writes heap
// profiles taken after a collection before and after the load
// (heap-before.pprof, heap-after.pprof): compare them with
// go tool pprof -top -base heap-before.pprof heap-after.pprof.
func BenchmarkSoakHeap(b *testing.B) {
	d := 60 * time.Second
	if v := os.Getenv("TWINCMS_SOAK_DURATION"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			b.Fatal(err)
		}
	}
	s, err := apitest.Start(b.TempDir(), map[string]string{"TWINCMS_DEMO": "true"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := b.Context()
	w := &workload{c: newClient(s.Base, apitest.AdminToken), stats: newStats()}
	if err := w.prepare(ctx, 2); err != nil {
		b.Fatal(err)
	}
	before := heldHeap(b, "before")
	peak := make(chan uint64, 1)
	loaded, unload := context.WithCancel(ctx)
	go func() { peak <- peakHeap(loaded) }()
	b.ResetTimer()
	for range b.N {
		w.run(ctx, d, 8, 2)
	}
	b.StopTimer()
	unload()
	w.c.http.CloseIdleConnections()
	var end runtime.MemStats
	runtime.ReadMemStats(&end)
	w.stats.print(os.Stdout, d*time.Duration(b.N))
	if n := w.stats.errors(); n > 0 {
		b.Errorf("%d requests failed", n)
	}
	// The clients' latency lists are the benchmark's, not the service's.
	w.stats = newStats()
	// fasthttp's idle workers end after 10 s.
	time.Sleep(firstReading)
	after := heldHeap(b, "after")
	b.ReportMetric(mib(before.HeapInuse), "MiB-inuse-before")
	b.ReportMetric(mib(before.HeapAlloc), "MiB-live-before")
	b.ReportMetric(mib(<-peak), "MiB-inuse-peak")
	b.ReportMetric(mib(end.HeapInuse), "MiB-inuse-at-end")
	b.ReportMetric(mib(after.HeapInuse), "MiB-inuse-after-GC")
	b.ReportMetric(mib(after.HeapAlloc), "MiB-live-after")
	b.ReportMetric(float64(end.TotalAlloc-before.TotalAlloc)/(1<<20)/(d*time.Duration(b.N)).Seconds(), "MiB/s-allocated")
	b.ReportMetric(mib(before.rss), "MiB-RSS-before")
	b.ReportMetric(mib(after.rss), "MiB-RSS-after")
	b.ReportMetric(mib(before.Sys-before.HeapReleased), "MiB-Go-mapped-before")
	b.ReportMetric(mib(after.Sys-after.HeapReleased), "MiB-Go-mapped-after")
}

// peakHeap is the most heap in use seen, read every 100 ms until ctx ends:
// what a reading of /metrics under load may meet.
func peakHeap(ctx context.Context) uint64 {
	var most uint64
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return most
		case <-tick.C:
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			most = max(most, m.HeapInuse)
		}
	}
}

// held is the heap after a collection that also gave free memory back to
// the system (debug.FreeOSMemory), and the RSS then: what RSS holds
// beyond the Go runtime's mapped memory is not Go's (the embedded
// database's SQLite cache, the code).
type held struct {
	runtime.MemStats
	rss float64
}

// heldHeap collects, reads the heap and writes its profile (named by
// when) to TWINCMS_BENCH_PROFILE_DIR when set.
func heldHeap(b *testing.B, when string) held {
	b.Helper()
	debug.FreeOSMemory()
	var h held
	runtime.ReadMemStats(&h.MemStats)
	h.rss = resident(b)
	if dir := os.Getenv("TWINCMS_BENCH_PROFILE_DIR"); dir != "" {
		f, err := os.Create(filepath.Join(dir, "heap-"+when+".pprof"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
	}
	return h
}

// resident is this process's RSS in bytes (Linux; 0 elsewhere).
func resident(b *testing.B) float64 {
	b.Helper()
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseFloat(fields[1], 64)
	return pages * float64(os.Getpagesize())
}

func mib[T float64 | uint64](v T) float64 { return float64(v) / (1 << 20) }
