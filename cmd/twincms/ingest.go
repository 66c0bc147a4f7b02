package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/bulk"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/models"
)

const ingestUsage = "usage: twincms ingest PATH [--metadata CSV] [-j N]\n" +
	"  PATH  a folder, or a BagIt bag (a directory or a .zip)\n"

// ingestArgs are the command's arguments.
type ingestArgs struct {
	path     string
	metadata string
	workers  int
	// limits bound what a zipped bag expands to (the configured
	// TWINCMS_MAX_EXPANDED_BYTES and TWINCMS_MAX_COMPRESSION_RATIO).
	limits bulk.Limits
}

// parseIngestArgs reads PATH and the flags in any order (flag alone stops
// at the first argument that is not a flag).
func parseIngestArgs(args []string, out io.Writer) (ingestArgs, error) {
	a := ingestArgs{}
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() { fmt.Fprint(out, ingestUsage); fs.PrintDefaults() }
	fs.StringVar(&a.metadata, "metadata", "", "a CSV of metadata: file, kind, title_<locale>, archival_ref, original_date, partnership")
	fs.IntVar(&a.workers, "j", bulk.DefaultWorkers, "files ingested at once")
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return a, err
		}
		if fs.NArg() == 0 {
			break
		}
		paths, args = append(paths, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case len(paths) != 1:
		return a, fmt.Errorf("give one PATH\n%s", ingestUsage)
	case a.workers < 1 || a.workers > 64:
		return a, fmt.Errorf("-j must be 1..64, got %d", a.workers)
	}
	a.path = paths[0]
	return a, nil
}

// ingestMain is `twincms ingest`: it opens the CMS over the configured
// stores with the server's own wiring (the embedded ones need the data
// dir, so a twincms serving it must be stopped, or use POST
// /api/v1/archive/ingests), ingests, and returns an error (exit status 1)
// when anything failed. Every stored document passes the same change
// hooks as an upload through the API: the published snapshot's change
// counter, the audit log, the webhooks' outbox (delivered by the next
// twincms serving the data) and the document index's shared counter.
func ingestMain(ctx context.Context, args []string, cfg config.Config, logger *slog.Logger, stderr io.Writer) error {
	a, err := parseIngestArgs(args, stderr)
	if err != nil {
		return err
	}
	a.limits = bulk.Limits{MaxExpandedBytes: cfg.MaxExpandedBytes, MaxRatio: cfg.MaxCompressionRatio}
	quiet := logx.LevelFilter(logger, slog.LevelWarn)
	cms, err := openTool(ctx, cfg, quiet)
	if err != nil {
		return err
	}
	defer cms.Close(context.WithoutCancel(ctx))
	// What a failed file leaves behind when the store is briefly away is
	// removed by the ingest service's clean-up loop, as in the server.
	cleanCtx, stopCleaning := context.WithCancel(context.WithoutCancel(ctx))
	cleaned := make(chan struct{})
	go func() { defer close(cleaned); cms.Ingest.CleanUpEvery(cleanCtx) }()
	err = ingestFiles(ctx, cms.BulkRunner(), a, stderr, isTerminal(stderr))
	for i := 0; i < 100 && cms.Ingest.PendingCleanups() > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := cms.Ingest.PendingCleanups(); n > 0 {
		logger.Warn("ingest: leftovers of failed files not removed yet; a running twincms's sweeper removes them", "documents", n)
	}
	stopCleaning()
	<-cleaned
	return err
}

// ingestFiles runs one bulk ingest, telling out how it goes (a redrawn
// progress bar when tty) and what it did.
func ingestFiles(ctx context.Context, runner *bulk.Runner, a ingestArgs, out io.Writer, tty bool) error {
	var meta *bulk.Metadata
	if a.metadata != "" {
		f, err := os.Open(a.metadata)
		if err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		meta, err = bulk.ParseMetadata(f, runner.Locales)
		f.Close()
		if err != nil {
			return err
		}
	}
	src, err := bulk.OpenLimited(a.path, a.metadata, a.limits)
	if err != nil {
		return refusedBag(out, err)
	}
	defer src.Close()
	ctx = models.WithActor(ctx, models.Actor{Name: "ingest"})
	bar := &progressBar{w: out, tty: tty}
	sum, err := runner.Run(ctx, src, bulk.Options{Metadata: meta, Workers: a.workers, Progress: bar.update})
	bar.finish()
	if errors.As(err, new(*bulk.BagError)) {
		return refusedBag(out, err)
	}
	printSummary(out, sum)
	switch {
	case err != nil && sum.Interrupted:
		return fmt.Errorf("ingest interrupted; run it again to store the rest: %w", err)
	case err != nil:
		return err
	case !sum.OK():
		return fmt.Errorf("ingest: %d files failed, %d metadata rows describe no file", sum.Failed, len(sum.Failures)-sum.Failed)
	}
	return nil
}

// refusedBag reports a bag refused whole (unsafe entry names in its zip,
// links, a failed verification, a zip bomb) naming every problem; other
// errors are returned as they are.
func refusedBag(out io.Writer, err error) error {
	var bagErr *bulk.BagError
	if !errors.As(err, &bagErr) {
		return err
	}
	fmt.Fprintf(out, "the bag is refused; nothing was stored:\n")
	for _, pr := range bagErr.Problems {
		fmt.Fprintf(out, "  %s\n", strings.TrimPrefix(printable(pr.File)+": "+pr.Reason, ": "))
	}
	return errors.New("ingest: the bag failed verification")
}

// printable is a file name as a terminal may show it: quoted when it holds
// control characters (a zip entry named with escape sequences or a NUL).
func printable(name string) string {
	if strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return strconv.Quote(name)
	}
	return name
}

// printSummary says what a run did: counts, bytes, rate, every failure and
// the first skipped files.
func printSummary(out io.Writer, s bulk.Summary) {
	fmt.Fprintf(out, "ingest done: %d files: %d stored, %d skipped (already stored), %d failed; %s stored in %s (%.1f documents/s)\n",
		s.Total, s.Stored, s.Skipped, s.Failed, humanBytes(s.Bytes), s.Elapsed.Round(100*time.Millisecond), s.Rate())
	if s.Interrupted {
		fmt.Fprintf(out, "interrupted: %d files were not attempted; run the same command again to store them\n", s.Total-s.Stored-s.Skipped-s.Failed)
	}
	if len(s.Failures) > 0 {
		fmt.Fprintln(out, "failed:")
		for _, f := range s.Failures {
			fmt.Fprintf(out, "  %s\n", strings.TrimPrefix(f.File+": "+f.Reason, ": "))
		}
	}
	const shown = 20
	if len(s.Skips) > 0 {
		fmt.Fprintln(out, "skipped (already stored):")
		for i, k := range s.Skips {
			if i == shown {
				fmt.Fprintf(out, "  … and %d more\n", len(s.Skips)-shown)
				break
			}
			fmt.Fprintf(out, "  %s: document %s\n", k.File, k.DuplicateOf)
		}
	}
}
