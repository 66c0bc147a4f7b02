package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/jesenice/twincms/bulk"
	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/models"
	"github.com/jesenice/twincms/storage"
)

const ingestUsage = "usage: twincms ingest PATH [--metadata CSV] [-j N]\n" +
	"  PATH  a folder, or a BagIt bag (a directory or a .zip)\n"

// ingestArgs are the command's arguments.
type ingestArgs struct {
	path     string
	metadata string
	workers  int
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

// ingestMain is `twincms ingest`: it opens the configured stores (the
// embedded ones need the data dir, so a twincms serving it must be
// stopped, or use POST /api/v1/archive/ingests), ingests, and returns an
// error (exit status 1) when anything failed.
func ingestMain(ctx context.Context, args []string, cfg config.Config, logger *slog.Logger, stderr io.Writer) error {
	a, err := parseIngestArgs(args, stderr)
	if err != nil {
		return err
	}
	s := &Server{cfg: cfg, logger: levelFilter(logger, slog.LevelWarn)}
	if err := s.openStorage(ctx); err != nil {
		s.closeStorage(context.WithoutCancel(ctx))
		return err
	}
	defer s.closeStorage(context.WithoutCancel(ctx))
	// What a failed file leaves behind when the store is briefly away is
	// removed by the ingest service's clean-up loop, as in the server.
	cleanCtx, stopCleaning := context.WithCancel(context.WithoutCancel(ctx))
	cleaned := make(chan struct{})
	go func() { defer close(cleaned); s.ingest.CleanUpEvery(cleanCtx) }()
	err = s.ingestFiles(ctx, a, stderr, isTerminal(stderr))
	for i := 0; i < 100 && s.ingest.PendingCleanups() > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if n := s.ingest.PendingCleanups(); n > 0 {
		logger.Warn("ingest: leftovers of failed files not removed yet; a running twincms's sweeper removes them", "documents", n)
	}
	stopCleaning()
	<-cleaned
	return err
}

// ingestFiles runs one bulk ingest with s's stores, telling out how it
// goes (a redrawn progress bar when tty) and what it did.
func (s *Server) ingestFiles(ctx context.Context, a ingestArgs, out io.Writer, tty bool) error {
	var meta *bulk.Metadata
	if a.metadata != "" {
		f, err := os.Open(a.metadata)
		if err != nil {
			return fmt.Errorf("metadata: %w", err)
		}
		meta, err = bulk.ParseMetadata(f, models.Locales{Supported: s.cfg.Locales, Fallback: s.cfg.Fallback})
		f.Close()
		if err != nil {
			return err
		}
	}
	src, err := bulk.Open(a.path, a.metadata)
	if err != nil {
		return err
	}
	defer src.Close()
	actor := models.Actor{Name: "ingest"}
	ctx = models.WithActor(ctx, actor)
	bar := &progressBar{w: out, tty: tty}
	sum, err := s.bulkRunner().Run(ctx, src, bulk.Options{Metadata: meta, Workers: a.workers, Actor: actor.Ref(), Progress: bar.update})
	bar.finish()
	if sum.Stored > 0 {
		// Other instances on this database rebuild their public snapshot.
		if _, berr := storage.NewChanges(s.db).Bump(context.WithoutCancel(ctx)); berr != nil {
			s.logger.Warn("ingest: change counter not bumped; other instances see the documents at their next change", "err", berr)
		}
	}
	var bagErr *bulk.BagError
	if errors.As(err, &bagErr) {
		fmt.Fprintf(out, "the bag is refused; nothing was stored:\n")
		for _, p := range bagErr.Problems {
			fmt.Fprintf(out, "  %s\n", strings.TrimPrefix(p.File+": "+p.Reason, ": "))
		}
		return errors.New("ingest: the bag failed verification")
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

// bulkRunner is the bulk ingest over this server's stores: the same ingest
// service and partnership store the API uses, and the same change hooks
// (none in the command: it bumps the shared counter when done).
func (s *Server) bulkRunner() *bulk.Runner {
	r := &bulk.Runner{Ingest: s.ingest, Documents: s.documents, Partnerships: s.partnerships,
		Locales: models.Locales{Supported: s.cfg.Locales, Fallback: s.cfg.Fallback}, Logger: s.logger}
	if s.published != nil {
		r.Changed = append(models.Hooks{s.published.Changed}, s.hooks...).Changed
	}
	return r
}

// ingestJobs runs the bulk ingests received over HTTP.
func (s *Server) ingestJobs() *bulk.Jobs {
	return &bulk.Jobs{Store: storage.NewIngests(s.db), Runner: s.bulkRunner(), NewID: storage.NewDocumentID,
		MaxBytes: s.cfg.MaxIngestBytes, Workers: bulk.DefaultWorkers, Logger: s.logger}
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
