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

// reading is the service's facts at one moment of the soak.
type reading struct {
	label string
	facts
}

// printFacts prints one column per reading.
func printFacts(w io.Writer, rs []reading) {
	row := func(name string, cell func(facts) string) {
		fmt.Fprintf(w, "%-22s", name)
		for _, r := range rs {
			fmt.Fprintf(w, " %11s", cell(r.facts))
		}
		fmt.Fprintln(w)
	}
	mib := func(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }
	fmt.Fprintf(w, "\n%-22s", "service")
	for _, r := range rs {
		fmt.Fprintf(w, " %11s", r.label)
	}
	fmt.Fprintln(w)
	row("goroutines", func(f facts) string { return fmt.Sprintf("%.0f", f.goroutines) })
	row("heap alloc", func(f facts) string { return mib(f.heapAlloc) })
	row("heap in use", func(f facts) string { return mib(f.heapInuse) })
	row("next GC at", func(f facts) string { return mib(f.nextGC) })
	row("GC cycles", func(f facts) string { return fmt.Sprintf("%.0f", f.gcs) })
	row("resident (RSS)", func(f facts) string { return mib(f.rss) })
}
