package app

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/storage"
	"github.com/jesenice/twincms/models"
)

// openBackups builds the backup service. Built-in backups copy the
// embedded database's SQLite files, which only this process may open (the
// data-dir lock); with MongoDB the production procedure applies
// (production.md: mongodump --oplog and the object store's replication).
func (a *App) openBackups(ctx context.Context) error {
	var (
		target backup.Target
		why    string
		err    error
	)
	switch {
	case !a.Cfg.EmbeddedDB():
		why = "built-in backups copy the embedded database; with MongoDB use mongodump --oplog (see production.md)"
	case a.Cfg.BackupTarget == "":
		why = "no backup target: set TWINCMS_BACKUP_TARGET (a directory or s3://host:port/bucket/prefix)"
	default:
		if target, err = a.BackupTarget(a.Cfg.BackupTarget); err != nil {
			return err
		}
	}
	src := backup.Source{DBDir: filepath.Join(a.Cfg.DataDir, "db"), Objects: a.Objects, Version: Version(),
		MigrationLevel: a.migrationLevel, Hold: a.Ingest.HoldRemovals, Organization: a.Cfg.Organization,
		RateLimit: a.Cfg.BackupRateLimit, Nice: a.Cfg.BackupNice, BusyShare: float64(a.Cfg.BackupBusyCPU) / 100}
	if a.Metrics != nil {
		src.Served = a.Metrics.Served // the copying yields to the requests answered
	}
	if a.Cfg.EmbeddedS3() {
		src.ObjectDir = filepath.Join(a.Cfg.DataDir, "objects", a.Cfg.S3Bucket)
	}
	a.backupSrc = src
	a.Backups, err = backup.NewService(ctx, src, target, why, a.Logger, a.Registerer)
	if err != nil {
		return err
	}
	a.Backups.OnDone = a.backupDone
	if a.Cfg.BackupSchedule != "" {
		sched, err := backup.ParseSchedule(a.Cfg.BackupSchedule)
		if err != nil {
			return err
		}
		a.backupSchedule, a.Backups.Schedule = &sched, sched.String()
	}
	return nil
}

// BackupSource is what a backup of this instance copies (for a backup to
// another target than the configured one: benchmarks, tools).
func (a *App) BackupSource() backup.Source { return a.backupSrc }

// BackupTarget opens a backup target (a directory or s3://…) with the
// configured keys for an S3 one.
func (a *App) BackupTarget(spec string) (backup.Target, error) {
	return backup.OpenTarget(spec, a.backupKeys())
}

func (a *App) backupKeys() backup.S3Keys {
	return backup.S3Keys{AccessKey: a.Cfg.BackupS3AccessKey, SecretKey: a.Cfg.BackupS3SecretKey, Secure: a.Cfg.BackupS3Secure, Region: a.Cfg.S3Region}
}

// migrationLevel is the data migration level (internal/migrate) the
// database reached, recorded in the backup's manifest. Migrations run in
// Open, before anything is served, so it cannot change during a backup.
func (a *App) migrationLevel(ctx context.Context) (string, error) {
	n, err := a.Migrations.Level(ctx)
	if err != nil {
		return "", fmt.Errorf("backup: reading the migration level: %w", err)
	}
	return strconv.Itoa(n), nil
}

// backupDone tells the audit log and the webhooks of a finished backup.
func (a *App) backupDone(ctx context.Context, run models.BackupRun, info backup.Info) {
	a.Audit.Backup(ctx, run, info.Bytes)
	if run.Status == models.BackupFailed {
		a.Webhooks.BackupFailed(ctx, run)
	}
}

// runBackupSchedule backs up at TWINCMS_BACKUP_SCHEDULE's slots, one
// instance a slot (a lease in the database), keeping
// TWINCMS_BACKUP_KEEP_DAILY and _WEEKLY; nothing without a schedule or a
// target.
func (a *App) runBackupSchedule(ctx context.Context) {
	if a.backupSchedule == nil || a.Backups.Target() == "" {
		return
	}
	check := min(15*time.Second, max(a.backupSchedule.Every()/4, 200*time.Millisecond))
	if a.backupSchedule.Every() == 0 {
		check = 15 * time.Second
	}
	a.Backups.RunSchedule(ctx, *a.backupSchedule, storage.NewLeases(a.DB), holder(),
		backup.Retention{Daily: a.Cfg.BackupKeepDaily, Weekly: a.Cfg.BackupKeepWeekly}, check)
}

// Version is twincms's version as built (the module version, or the VCS
// revision of a development build).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && (v == "" || v == "(devel)") {
			v = "devel-" + s.Value[:min(12, len(s.Value))]
		}
	}
	if v == "" {
		v = "(devel)"
	}
	return v
}
