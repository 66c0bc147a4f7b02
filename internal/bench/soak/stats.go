package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"
)

// stats collects the latency and outcome of every request by kind.
type stats struct {
	mu       sync.Mutex
	kinds    map[string]*kindStats
	examples []string // the first few failures, for the report
}

type kindStats struct {
	latencies []time.Duration
	failed    int
}

func newStats() *stats { return &stats{kinds: map[string]*kindStats{}} }

// record notes one request; failure is "" when it went as expected.
func (s *stats) record(kind string, took time.Duration, failure string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kinds[kind]
	if k == nil {
		k = &kindStats{}
		s.kinds[kind] = k
	}
	k.latencies = append(k.latencies, took)
	if failure != "" {
		k.failed++
		if len(s.examples) < 10 {
			s.examples = append(s.examples, kind+": "+failure)
		}
	}
}

func (s *stats) errors() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.kinds {
		n += k.failed
	}
	return n
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func (s *stats) print(w io.Writer, elapsed time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.kinds))
	for n := range s.kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "\n%-16s %9s %7s %10s %10s %10s\n", "request", "count", "errors", "p50", "p99", "max")
	var all []time.Duration
	failed := 0
	line := func(name string, l []time.Duration, errs int) {
		slices.Sort(l)
		fmt.Fprintf(w, "%-16s %9d %7d %10v %10v %10v\n", name, len(l), errs, round(percentile(l, .5)),
			round(percentile(l, .99)), round(percentile(l, 1)))
	}
	for _, n := range names {
		k := s.kinds[n]
		line(n, slices.Clone(k.latencies), k.failed)
		all = append(all, k.latencies...)
		failed += k.failed
	}
	line("all", all, failed)
	fmt.Fprintf(w, "%d requests in %v (%.0f req/s), %d errors\n", len(all), elapsed.Round(time.Millisecond),
		float64(len(all))/elapsed.Seconds(), failed)
	for _, e := range s.examples {
		fmt.Fprintln(w, "  failure:", e)
	}
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(100 * time.Microsecond)
}

func printFacts(w io.Writer, before, after facts) {
	mib := func(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
	fmt.Fprintf(w, "\n%-22s %12s %12s\n", "service", "before", "after")
	fmt.Fprintf(w, "%-22s %12.0f %12.0f\n", "goroutines", before.goroutines, after.goroutines)
	fmt.Fprintf(w, "%-22s %12s %12s\n", "heap alloc", mib(before.heapAlloc), mib(after.heapAlloc))
	fmt.Fprintf(w, "%-22s %12s %12s\n", "heap in use", mib(before.heapInuse), mib(after.heapInuse))
	fmt.Fprintf(w, "%-22s %12s %12s\n", "resident (RSS)", mib(before.rss), mib(after.rss))
}
