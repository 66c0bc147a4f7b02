package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/embedded"
	"github.com/jesenice/twincms/models"
)

// BenchmarkBackup measures, side by side in one run, the three targets of
// issue 28 on an embedded store of TWINCMS_BENCH_BACKUP_DOCS documents
// (1,000 by default) of TWINCMS_BENCH_BACKUP_KB KiB each (100):
//
//   - backup-vs-cp: a full backup to a directory against `cp -r` of the
//     same data dir (its speed over cp's; target ≥ 0.7);
//   - public-rate-during/idle: GET /api/v1/public/partnerships by 4
//     clients while the full backup runs, over the same while idle
//     (target ≥ 0.8);
//   - incremental/full: a backup after 100 new documents over the full
//     one (target ≤ 0.05), in time and (incremental-sent/full-sent) in
//     bytes written.
//
// The records are inserted through the storage layer and the originals
// put into the object store directly (what is measured is the backup, not
// uploading); the backup is the real one (VACUUM INTO, then the objects).
func BenchmarkBackup(b *testing.B) {
	n, kb := apitest.EnvInt("TWINCMS_BENCH_BACKUP_DOCS", 1000), apitest.EnvInt("TWINCMS_BENCH_BACKUP_KB", 100)
	target := filepath.Join(b.TempDir(), "backups")
	s := apitest.Empty(b, map[string]string{"TWINCMS_BACKUP_TARGET": target})
	ctx := context.Background()
	seedBackupDocs(b, s, 0, n, int64(kb)<<10)
	settle(b, s)
	b.Logf("the background work on the seeded documents settled in %v", quiet(b, s).Round(time.Second))
	// A second S3 server as a target too (TWINCMS_BENCH_BACKUP_TO_S3=1): a
	// second embedded versitygw, as TestBackupToS3IsIncrementalAndRestores
	// uses where no MinIO runs.
	var s3t backup.Target
	if apitest.EnvInt("TWINCMS_BENCH_BACKUP_TO_S3", 0) == 1 {
		s3t = benchS3Target(b)
	}
	for i := 0; i < b.N; i++ {
		// cp -r of the data dir (idle service), warm like the backup.
		cpDir := filepath.Join(b.TempDir(), "cp")
		start := time.Now()
		if out, err := exec.Command("cp", "-r", s.Cfg.DataDir, cpDir).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		cpTook := time.Since(start)
		// cp leaves its bytes dirty in the page cache, and a backup syncs
		// the file system before naming itself complete: that sync, timed
		// apart, is not the backup's.
		start = time.Now()
		syncFS()
		syncTook := time.Since(start)
		// The same backup read over the S3 API (the external store's way)
		// in this run, for the file reads' gain (TWINCMS_BENCH_BACKUP_S3=1).
		var s3Took time.Duration
		if apitest.EnvInt("TWINCMS_BENCH_BACKUP_S3", 0) == 1 {
			overS3 := s.CMS.BackupSource()
			overS3.ObjectDir = ""
			s3Target, err := s.CMS.BackupTarget(filepath.Join(b.TempDir(), "over-s3"))
			if err != nil {
				b.Fatal(err)
			}
			start = time.Now()
			if _, err := backup.Run(ctx, overS3, s3Target, nil); err != nil {
				b.Fatal(err)
			}
			s3Took = time.Since(start)
		}
		// The full backup of the idle service, against cp.
		start = time.Now()
		_, full, err := s.CMS.Backups.Run(ctx, "bench")
		fullTook := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("full backup's parts (s): %v", full.Took)
		var s3Full time.Duration
		if s3t != nil {
			start = time.Now()
			if _, err := backup.Run(ctx, s.CMS.BackupSource(), s3t, nil); err != nil {
				b.Fatal(err)
			}
			s3Full = time.Since(start)
		}
		// Another full backup (a new target) with the public load beside
		// it, against the same load on the idle service (before and after):
		// with the default configuration (the copying yields to requests,
		// TWINCMS_BACKUP_BUSY_CPU) and, for reference, never yielding.
		idleFor := func(d time.Duration) float64 {
			start := time.Now()
			return publicRate(s, func() bool { return time.Since(start) < d })
		}
		idleBefore := idleFor(3 * time.Second)
		loaded := func(src backup.Source) (time.Duration, float64) {
			other, err := s.CMS.BackupTarget(filepath.Join(b.TempDir(), "other"))
			if err != nil {
				b.Fatal(err)
			}
			var running atomic.Bool
			running.Store(true)
			var during float64
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); during = publicRate(s, running.Load) }()
			start := time.Now()
			_, err = backup.Run(ctx, src, other, nil)
			took := time.Since(start)
			running.Store(false)
			wg.Wait()
			if err != nil {
				b.Fatal(err)
			}
			return took, during
		}
		loadedTook, during := loaded(s.CMS.BackupSource())
		idleBetween := idleFor(3 * time.Second)
		greedy := s.CMS.BackupSource()
		greedy.Served = nil
		greedyTook, duringGreedy := loaded(greedy)
		idle := (idleBefore + idleBetween + idleFor(3*time.Second)) / 3
		b.Logf("public GETs idle: %.0f/s before, %.0f/s between and after the backups under load", idleBefore, idleBetween)
		// The public rate during `cp -r` of the data dir: what a copy that
		// takes no care of the service leaves it, for reference.
		var copying atomic.Bool
		copying.Store(true)
		var duringCp float64
		var cpWG sync.WaitGroup
		cpWG.Add(1)
		go func() { defer cpWG.Done(); duringCp = publicRate(s, copying.Load) }()
		out, err := exec.Command("cp", "-r", s.Cfg.DataDir, filepath.Join(b.TempDir(), "cp2")).CombinedOutput()
		copying.Store(false)
		cpWG.Wait()
		if err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		// 100 new documents, then the incremental backup (their bytes, like
		// cp's, synced apart first, and the service left to settle as
		// before the full backup).
		seedBackupDocs(b, s, n+i*100, n+i*100+100, int64(kb)<<10)
		syncFS()
		settle(b, s)
		quiet(b, s)
		start = time.Now()
		_, inc, err := s.CMS.Backups.Run(ctx, "bench")
		incTook := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("incremental backup's parts (s): %v", inc.Took)
		if s3t != nil {
			start = time.Now()
			s3Inc, err := backup.Run(ctx, s.CMS.BackupSource(), s3t, nil)
			if err != nil {
				b.Fatal(err)
			}
			s3IncTook := time.Since(start)
			b.Logf("to a second S3 server: full backup %v, incremental %v (parts %v)", s3Full.Round(time.Millisecond), s3IncTook.Round(time.Millisecond), s3Inc.Took)
			b.ReportMetric(s3IncTook.Seconds()/s3Full.Seconds(), "incremental/full-to-s3")
		}
		b.ReportMetric(cpTook.Seconds()/fullTook.Seconds(), "backup-vs-cp")
		b.ReportMetric((cpTook+syncTook).Seconds()/fullTook.Seconds(), "backup-vs-cp+sync")
		if s3Took > 0 {
			b.ReportMetric(cpTook.Seconds()/s3Took.Seconds(), "over-s3-vs-cp")
		}
		b.ReportMetric(during/idle, "public-rate-during/idle")
		b.ReportMetric(duringGreedy/idle, "public-rate-during-unyielding/idle")
		b.ReportMetric(duringCp/idle, "public-rate-during-cp/idle")
		b.ReportMetric(incTook.Seconds()/fullTook.Seconds(), "incremental/full")
		b.ReportMetric(float64(inc.SentBytes)/float64(full.SentBytes), "incremental-sent/full-sent")
		b.ReportMetric(float64(full.Bytes)/fullTook.Seconds()/(1<<20), "full-MiB/s")
		b.Logf("%d documents × %d KiB: cp -r %v, then sync %v; full backup read over S3 %v idle (0: not run)", n, kb, cpTook.Round(time.Millisecond),
			syncTook.Round(time.Millisecond), s3Took.Round(time.Millisecond))
		b.Logf("%d documents × %d KiB: cp -r %v; full backup %v idle (%d objects, %.1f MiB), %v under public load; incremental %v (%.1f MiB sent); public GETs %.0f/s idle, %.0f/s during the backup, %.0f/s during cp -r",
			n, kb, cpTook.Round(time.Millisecond), fullTook.Round(time.Millisecond), full.Objects, float64(full.Bytes)/(1<<20), loadedTook.Round(time.Millisecond),
			incTook.Round(time.Millisecond), float64(inc.SentBytes)/(1<<20), idle, during, duringCp)
		b.Logf("never yielding: the backup under public load %v, public GETs %.0f/s during it (default, yielding at %.0f%% of a core: %v, %.0f/s)",
			greedyTook.Round(time.Millisecond), duringGreedy, s.CMS.BackupSource().BusyShare*100, loadedTook.Round(time.Millisecond), during)
	}
}

// seedBackupDocs stores documents [from, to) with originals of size bytes.
func seedBackupDocs(b testing.TB, s *apitest.Server, from, to int, size int64) {
	b.Helper()
	ctx := context.Background()
	base := time.Now().UTC().Truncate(time.Millisecond)
	var docs []*models.Document
	var evs []models.Event
	for i := from; i < to; i++ {
		d := &models.Document{ID: seedID(i), File: models.FileFacts{Key: "originals/" + seedID(i), Size: size, ContentType: models.TypePDF,
			SHA256: seedSHA(i), OriginalFilename: seedFilename(i)}, Renditions: []models.Rendition{}, Status: models.DocumentActive,
			Version: 1, CreatedAt: base, CreatedBy: "seed", UpdatedAt: base, UpdatedBy: "seed"}
		// The background work done, as on a store whose documents were
		// ingested before the night's backup: no text extraction, format
		// identification or accessibility check shares the cores with what
		// is measured.
		d.Text = &models.TextFacts{Status: models.TextNone, Attempts: 1, UpdatedAt: base}
		d.Format = &models.FormatFacts{PUID: "fmt/276", Name: "Acrobat PDF 1.7 - Portable Document Format", Tool: "seed", IdentifiedAt: base}
		d.Accessibility = &models.AccessibilityFacts{Version: models.AccessibilityFactsVersion, CheckedAt: base, Tool: "seed", Advice: []models.Advice{}}
		d.Apply(models.DocumentInput{Kind: models.KindScan, Title: models.Localized{"sl": fmt.Sprintf("Zapisnik %d", i)}, Language: "sl",
			Provenance: models.Provenance{Source: "Občina Jesenice", ArchivalRef: seedRef(i), OriginalDate: "1975"}})
		docs = append(docs, d)
		evs = append(evs, models.Event{ID: models.EventID(d.ID, models.EventIngested), DocumentID: d.ID, Type: models.EventIngested, At: base, Actor: "seed"})
	}
	if err := s.CMS.Documents.InsertBatch(ctx, docs, evs); err != nil {
		// A loaded machine (CI: -race, every package's tests on 2 cores)
		// let the database time out: store what is missing one by one.
		for i, d := range docs {
			if err := seedOne(ctx, s, d, evs[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	work := make(chan int)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var err error
				for range 3 { // a timeout on a loaded machine is tried again
					if _, err = s.CMS.Objects.Put(ctx, "originals/"+seedID(i), apitest.NewScanReader(uint64(i), size), size, models.TypePDF, nil); err == nil {
						break
					}
				}
				if err != nil {
					failed.Store(err)
				}
			}
		}()
	}
	for i := from; i < to; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
}

// publicRate is the rate of GET /api/v1/public/partnerships by 4 clients
// while more() holds.
func publicRate(s *apitest.Server, more func() bool) float64 {
	var count atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for more() {
				res, err := benchClient.Get(s.Base + "/api/v1/public/partnerships")
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					count.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(count.Load()) / time.Since(start).Seconds()
}

// syncFS writes every dirty page to disk (sync(1)).
func syncFS() { _ = exec.Command("sync").Run() }

// quiet waits until the service's background work on documents (text,
// format, accessibility: twincms_document_jobs_total) has done nothing
// for 5 s, at most 2 minutes, and tells how long it waited: what it does
// would otherwise share the 2 cores with what is measured ("the idle
// service"). The seeded documents carry the facts of that work; this
// checks that nothing is left for it.
func quiet(b *testing.B, s *apitest.Server) time.Duration {
	b.Helper()
	start := time.Now()
	last, still := -1.0, time.Now()
	for time.Since(start) < 2*time.Minute {
		n := jobsDone(b, s)
		if n != last {
			last, still = n, time.Now()
		} else if time.Since(still) >= 5*time.Second {
			return time.Since(start)
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.Logf("the background work did not stop within 2 minutes")
	return time.Since(start)
}

// jobsDone sums twincms_document_jobs_total from /metrics.
func jobsDone(b *testing.B, s *apitest.Server) float64 {
	b.Helper()
	base := s.MetricsBase
	if base == "" {
		base = s.Base
	}
	res, err := benchClient.Get(base + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var sum float64
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "twincms_document_jobs_total{") {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// benchS3Target starts a second embedded versitygw, a backup server of its
// own, and opens a target on it.
func benchS3Target(b *testing.B) backup.Target {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	srv, err := embedded.StartS3(b.Context(), embedded.S3Options{Root: filepath.Join(b.TempDir(), "backup-s3"), Addr: addr,
		AccessKey: "backup-access", SecretKey: "backup-secret-0123456789", Region: "us-east-1"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = srv.Close() })
	t, err := backup.OpenTarget("s3://"+addr+"/twincms-bench/site", backup.S3Keys{AccessKey: "backup-access", SecretKey: "backup-secret-0123456789"})
	if err != nil {
		b.Fatal(err)
	}
	return t
}
