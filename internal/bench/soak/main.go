// Command soak puts twincms under a mixed load for a bounded time and
// reports what happened: requests, errors and latency per kind of request,
// and the service's goroutines, heap, collections and RSS before the load
// and at moments after it up to -settle (read from /metrics). Public readers fetch the page (half of them revalidating with
// If-None-Match) and follow its file links; uploaders post documents and
// withdraw and restore some; editors patch, publish and unpublish their own
// partnerships, so the public snapshot is rebuilt under load.
//
// Without -url it builds and starts twincms on the embedded servers in a
// temporary data dir on free loopback ports and stops it afterwards:
//
//	go run ./internal/bench/soak -duration 60s
//
// With -url and -token (an admin token) it targets a running instance; the
// partnerships it made are deleted and the documents purged at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	duration := flag.Duration("duration", 60*time.Second, "how long to load the service (at most 1h)")
	target := flag.String("url", "", "base URL of a running twincms (empty: start one on the embedded servers)")
	token := flag.String("token", "", "admin token for -url")
	readers := flag.Int("readers", 8, "public readers")
	uploaders := flag.Int("uploaders", 2, "uploading editors")
	editors := flag.Int("editors", 2, "editing editors")
	settle := flag.Duration("settle", 30*time.Second, "how long to keep reading the idle service's memory after the load (12 s to 10 min)")
	flag.Parse()
	if *duration <= 0 || *duration > time.Hour || *readers < 0 || *uploaders < 0 || *editors < 0 ||
		*settle < firstReading || *settle > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "soak: -duration must be in (0, 1h], -settle in [12s, 10m] and client counts not negative")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *target, *token, *duration, *settle, *readers, *uploaders, *editors); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base, token string, d, settle time.Duration, readers, uploaders, editors int) error {
	started := base == ""
	if started {
		srv, err := startService(ctx)
		if err != nil {
			return err
		}
		defer srv.stop()
		base, token = srv.base, srv.token
	} else if token == "" {
		return fmt.Errorf("-url needs -token (an admin token)")
	}
	c := newClient(base, token)
	before, err := c.runtimeFacts(ctx)
	if err != nil {
		return err
	}
	w := &workload{c: c, stats: newStats()}
	if err := w.prepare(ctx, editors); err != nil {
		return err
	}
	fmt.Printf("soak: %d readers, %d uploaders, %d editors for %v against %s\n", readers, uploaders, editors, d, base)
	start := time.Now()
	w.run(ctx, d, readers, uploaders)
	elapsed := time.Since(start)
	// Close our idle connections (each holds a goroutine there) first.
	c.http.CloseIdleConnections()
	readings, err := settleReadings(ctx, c, time.Now(), settle)
	if err != nil {
		return err
	}
	w.stats.print(os.Stdout, elapsed)
	printFacts(os.Stdout, append([]reading{{"before", before}}, readings...))
	if !started {
		cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		w.cleanUp(cleanCtx)
	}
	if n := w.stats.errors(); n > 0 {
		return fmt.Errorf("%d requests failed", n)
	}
	return nil
}

// firstReading waits out fasthttp's idle-worker time (10 s), so the
// goroutines read are the ones the service keeps.
const firstReading = 12 * time.Second

// settleReadings reads the idle service's facts 12 s and 30 s after end,
// then every 30 s up to settle: whether heap in use falls, and with which
// collection (its count is read too), tells garbage not yet collected
// from memory something still holds.
func settleReadings(ctx context.Context, c *client, end time.Time, settle time.Duration) ([]reading, error) {
	var out []reading
	for at := firstReading; at <= settle; at = nextReading(at) {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Until(end.Add(at))):
		}
		f, err := c.runtimeFacts(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, reading{fmt.Sprintf("+%.0fs", at.Seconds()), f})
	}
	return out, nil
}

// nextReading is the moment after at: 30 s, then every 30 s.
func nextReading(at time.Duration) time.Duration {
	if at < 30*time.Second {
		return 30 * time.Second
	}
	return at + 30*time.Second
}

// newHTTPClient does not follow redirects: the soak times the 302 of a
// file link and the object-store download separately.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
