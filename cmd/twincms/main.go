// Command twincms serves the twin-towns content and document API.
//
//	twincms              serve (the default)
//	twincms export [F]   write all content as JSON to F (or stdout)
//	twincms import F     load content from a file written by export
//	twincms ingest P     store a folder or BagIt bag of documents (see ingest.go)
//	twincms backup       back up; backup verify B checks one; restore B (see backup.go)
//
// Every command opens twincms through the composition root (internal/app):
// each takes the data directory's lock, so a tool run beside a serving
// process on the same embedded data is refused, as a second serve is.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"reflect"
	"syscall"
	"time"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/logx"
)

// usage names every command.
const usage = "usage: twincms [serve | export [FILE] | import FILE | ingest PATH [--metadata CSV] [-j N] | backup [--to TARGET] | backup verify BACKUP | restore BACKUP [--force]]"

func main() {
	// When started as the embedded S3 child, be that and nothing else.
	embedded.RunS3ChildIfRequested()
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is main without the process: tests call it with their own
// environment and writers.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	// Lines go through a buffered writer (flushed within logx.FlushEvery,
	// on an error line and at Close): one write system call per request
	// cost more than the rest of the access log under load.
	logw := logx.NewWriter(stderr, logx.FlushEvery)
	defer logw.Close()
	// A command's own output to stderr (and to stdout when it is the same
	// writer) goes through the log writer's lock, after the lines logged
	// before it.
	if sameWriter(stdout, stderr) {
		stdout = logw.Direct()
	}
	stderr = logw.Direct()
	logger := slog.New(logx.NewTextHandler(logw, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "serve":
		err = serve(ctx, cfg, logger, stdout)
	case "ingest":
		err = ingestMain(ctx, args[1:], cfg, logger, stderr)
	case "backup":
		err = backupMain(ctx, args[1:], cfg, logger, stdout, stderr)
	case "restore":
		err = restoreMain(ctx, args[1:], cfg, logger, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return 0
	default:
		err = runTool(ctx, cmd, args[1:], cfg, logger, stdout, stderr)
	}
	if err != nil {
		logger.Error("twincms stopped", "err", err)
		return 1
	}
	return 0
}

// serve runs the service until SIGINT/SIGTERM, then shuts down in order:
// stop accepting and drain requests, stop the background work, close
// storage (database client, S3 child, FerretDB).
func serve(ctx context.Context, cfg config.Config, logger *slog.Logger, stdout io.Writer) error {
	started := time.Now()
	logger.Info("starting twincms", "config", cfg)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on TWINCMS_ADDR %s: %w", cfg.Addr, err)
	}
	var mln net.Listener
	if cfg.MetricsAddr != "" && cfg.Metrics != "off" {
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			_ = ln.Close()
			return fmt.Errorf("listen on TWINCMS_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
	}
	srv, err := Start(ctx, cfg, logger, stdout)
	if err != nil {
		_ = ln.Close()
		if mln != nil {
			_ = mln.Close()
		}
		return err
	}
	served := make(chan error, 2)
	go func() { served <- srv.Serve(ln) }()
	ready := []any{"url", "http://" + ln.Addr().String()}
	if mln != nil {
		if srv.Metrics == nil { // no registry of its own to serve
			_ = mln.Close()
		} else {
			go func() { served <- srv.ServeMetrics(mln) }()
			ready = append(ready, "metrics_url", "http://"+mln.Addr().String()+"/metrics")
		}
	}
	logger.Info("twincms ready", append(ready, "startup", time.Since(started).Round(time.Millisecond))...)
	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err = <-served:
		logger.Error("server stopped", "err", err)
	}
	if serr := srv.Shutdown(context.WithoutCancel(ctx), cfg.ShutdownTimeout); serr != nil {
		err = errors.Join(err, serr)
	}
	logger.Info("twincms stopped")
	return err
}

// sameWriter reports whether a and b are one destination (tests pass one
// buffer for both).
func sameWriter(a, b io.Writer) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	return ta == tb && ta != nil && ta.Comparable() && a == b
}
