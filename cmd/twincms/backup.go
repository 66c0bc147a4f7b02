package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jesenice/twincms/config"
	"github.com/jesenice/twincms/internal/app"
	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/internal/logx"
	"github.com/jesenice/twincms/models"
)

// The backup commands:
//
//	twincms backup [--to TARGET]      back up now (to TARGET or TWINCMS_BACKUP_TARGET)
//	twincms backup verify BACKUP      check a backup completely without restoring it
//	twincms restore BACKUP [--force]  restore into TWINCMS_DATA_DIR, which must be empty
//
// The embedded database's SQLite files may be opened by one process only
// (the data-dir lock): when a twincms serves the data dir, `twincms
// backup` asks it (POST /api/v1/backups at TWINCMS_ADDR with the admin
// token in TWINCMS_BACKUP_TOKEN) and follows its progress; when nothing
// serves, it opens the store itself.

// backupMain runs `twincms backup …`.
func backupMain(ctx context.Context, args []string, cfg config.Config, logger *slog.Logger, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return verifyMain(ctx, args[1:], cfg, stdout, stderr)
	}
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	to := fl.String("to", "", "target: an absolute directory or s3://host:port/bucket[/prefix] (default TWINCMS_BACKUP_TARGET)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("unknown arguments %q (%s)", fl.Args(), usage)
	}
	if *to != "" {
		cfg.BackupTarget = *to
	}
	cms, err := openTool(ctx, cfg, logx.LevelFilter(logger, slog.LevelWarn))
	if errors.Is(err, embedded.ErrDataDirInUse) {
		if *to != "" {
			return errors.New("a twincms serves this data dir: it backs up to its own TWINCMS_BACKUP_TARGET; run without --to")
		}
		return remoteBackup(ctx, cfg, cfg.BackupToken, stderr)
	}
	if err != nil {
		return err
	}
	defer cms.Close(context.WithoutCancel(ctx))
	bar := newByteBar(stderr)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if st, err := cms.Backups.Status(ctx); err == nil && st.Running != nil {
					bar.update(st.Running.Progress)
				}
			}
		}
	}()
	run, info, err := cms.Backups.Run(ctx, "command")
	close(stop)
	<-done
	if run.Progress.Phase != "" {
		bar.update(run.Progress)
	}
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup %s in %s: %d objects, %s (%s sent)\n", info.ID, cms.Backups.Target(), info.Objects, humanBytes(info.Bytes), humanBytes(info.SentBytes))
	return nil
}

// remoteBackup asks the twincms serving the data dir for a backup and
// follows it until it ends.
func remoteBackup(ctx context.Context, cfg config.Config, token string, stderr io.Writer) error {
	if token == "" {
		return errors.New("a twincms serves this data dir: set TWINCMS_BACKUP_TOKEN to an admin token to have it back up (or use POST /api/v1/backups)")
	}
	base := "http://" + cfg.Addr + "/api/v1/backups"
	var started models.BackupRun
	if err := apiCall(ctx, http.MethodPost, base, token, http.StatusAccepted, &started); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "the serving twincms is backing up to %s\n", started.Target)
	bar := newByteBar(stderr)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		var st models.BackupStatus
		if err := apiCall(ctx, http.MethodGet, base, token, http.StatusOK, &st); err != nil {
			return err
		}
		if st.Running != nil && st.Running.StartedAt.Equal(started.StartedAt) {
			bar.update(st.Running.Progress)
			continue
		}
		if st.Last == nil || !st.Last.StartedAt.Equal(started.StartedAt) {
			return errors.New("the backup's outcome is unknown (the serving twincms restarted?)")
		}
		bar.update(st.Last.Progress)
		bar.finish()
		if st.Last.Status != models.BackupSucceeded {
			return fmt.Errorf("backup failed: %s", st.Last.Error)
		}
		fmt.Fprintf(stderr, "backup %s done\n", st.Last.ID)
		return nil
	}
}

func apiCall(ctx context.Context, method, url, token string, want int, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("asking the serving twincms: %w", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != want {
		var p struct{ Detail, Title string }
		_ = json.Unmarshal(body, &p)
		return fmt.Errorf("the serving twincms answered %d: %s", res.StatusCode, strings.TrimSpace(p.Title+": "+p.Detail))
	}
	return json.NewDecoder(bytes.NewReader(body)).Decode(out)
}

// verifyMain runs `twincms backup verify BACKUP`.
func verifyMain(ctx context.Context, args []string, cfg config.Config, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: twincms backup verify BACKUP")
	}
	dir, done, err := backup.Open(ctx, args[0], backupKeys(cfg))
	if err != nil {
		return err
	}
	defer done()
	info, objs, err := backup.Verify(ctx, dir, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup %s verified: twincms %s, migration level %s, %d database file(s), %d objects, %s\n",
		info.ID, info.Version, info.MigrationLevel, len(info.Databases), len(objs), humanBytes(info.Bytes))
	return nil
}

// restoreMain runs `twincms restore BACKUP [--force]`: every SHA-256 of
// the backup is verified before anything is written; the database files go
// into the data dir, then twincms opens it (through the composition root,
// taking its lock) and the objects go into its object store. A restore cut
// short leaves the data dir marked, and serve refuses it.
func restoreMain(ctx context.Context, args []string, cfg config.Config, logger *slog.Logger, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("restore", flag.ContinueOnError)
	fl.SetOutput(stderr)
	force := fl.Bool("force", false, "replace what the data dir holds")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return fmt.Errorf("usage: twincms restore BACKUP [--force]")
	}
	if !cfg.EmbeddedDB() {
		return errors.New("restore puts a backup into the embedded store; with MongoDB use mongorestore (see production.md)")
	}
	dir, done, err := backup.Open(ctx, fl.Arg(0), backupKeys(cfg))
	if err != nil {
		return err
	}
	defer done()
	info, objs, err := backup.Verify(ctx, dir, nil)
	if err != nil {
		return err
	}
	lock, err := embedded.LockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	err = backup.PrepareRestore(dir, cfg.DataDir, *force, info)
	_ = lock.Release() // app.Open takes it again
	if err != nil {
		return err
	}
	cms, err := app.Open(ctx, cfg, app.Options{Logger: logx.LevelFilter(logger, slog.LevelWarn), NoDemo: true, Restoring: true})
	if err != nil {
		return err
	}
	defer cms.Close(context.WithoutCancel(ctx))
	if err := backup.PutObjects(ctx, dir, objs, cms.Objects, nil); err != nil {
		return err
	}
	if err := backup.FinishRestore(cfg.DataDir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored backup %s (twincms %s, migration level %s): %d objects, %s into %s\n",
		info.ID, info.Version, info.MigrationLevel, len(objs), humanBytes(info.Bytes), cfg.DataDir)
	return nil
}

func backupKeys(cfg config.Config) backup.S3Keys {
	return backup.S3Keys{AccessKey: cfg.BackupS3AccessKey, SecretKey: cfg.BackupS3SecretKey, Secure: cfg.BackupS3Secure, Region: cfg.S3Region}
}

// byteBar draws a backup's progress: bytes, files, rate and ETA, redrawn
// on a terminal, a line a second otherwise.
type byteBar struct {
	w    io.Writer
	tty  bool
	last time.Time
	seen models.BackupProgress
}

func newByteBar(w io.Writer) *byteBar { return &byteBar{w: w, tty: isTerminal(w)} }

func (b *byteBar) update(p models.BackupProgress) {
	b.seen = p
	now := time.Now()
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s", backupLine(p))
		return
	}
	if now.Sub(b.last) >= time.Second {
		b.last = now
		fmt.Fprintln(b.w, backupLine(p))
	}
}

func (b *byteBar) finish() {
	if b.tty {
		fmt.Fprintf(b.w, "\r\033[K%s\n", backupLine(b.seen))
	} else if b.seen.Phase != "" {
		fmt.Fprintln(b.w, backupLine(b.seen))
	}
}

func backupLine(p models.BackupProgress) string {
	eta := (time.Duration(p.ETASeconds) * time.Second).String()
	return fmt.Sprintf("%-8s %s / %s, %d/%d files, %s sent, %s/s, ETA %s", p.Phase, humanBytes(p.BytesDone), humanBytes(p.BytesTotal),
		p.FilesDone, p.FilesTotal, humanBytes(p.BytesSent), humanBytes(int64(p.RateBps)), eta)
}
