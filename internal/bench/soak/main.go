// Command soak puts twincms under a mixed load for a bounded time and
// reports what happened: requests, errors and latency per kind of request,
// and the service's goroutines, heap and RSS before and after (read from
// /metrics). Public readers fetch the page (half of them revalidating with
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
	flag.Parse()
	if *duration <= 0 || *duration > time.Hour || *readers < 0 || *uploaders < 0 || *editors < 0 {
		fmt.Fprintln(os.Stderr, "soak: -duration must be in (0, 1h] and client counts not negative")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *target, *token, *duration, *readers, *uploaders, *editors); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base, token string, d time.Duration, readers, uploaders, editors int) error {
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
	// Let the service settle: close our idle connections (each holds a
	// goroutine there) and wait out fasthttp's idle-worker time (10 s)
	// before reading its facts.
	c.http.CloseIdleConnections()
	time.Sleep(12 * time.Second)
	after, err := c.runtimeFacts(ctx)
	if err != nil {
		return err
	}
	w.stats.print(os.Stdout, elapsed)
	printFacts(os.Stdout, before, after)
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

// newHTTPClient does not follow redirects: the soak times the 302 of a
// file link and the object-store download separately.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
