package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jesenice/twincms/internal/embedded"
	"modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// snapshotDatabases copies every FerretDB database file (*.sqlite) in
// dbDir into outDir with SQLite's online backup API in one step: SQLite
// copies the database's pages inside one read transaction (the WAL lets
// FerretDB keep writing meanwhile), a consistent copy of the database as
// of that transaction's start. It copies pages as they are, where VACUUM
// INTO (the fallback) rebuilds every table and index: 29 MiB of database
// took ~1 s that way, most of an incremental backup. The connection is
// opened with the same driver as FerretDB's (modernc.org/sqlite) in the
// same process, so SQLite's locks see each other. It returns the files
// written, by name.
func snapshotDatabases(ctx context.Context, dbDir, outDir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dbDir, "*.sqlite"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("backup: no database files in %s", dbDir)
	}
	if err := os.MkdirAll(outDir, 0o700); err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		name := filepath.Base(f)
		dst := filepath.Join(outDir, name)
		_ = os.Remove(dst) // VACUUM INTO refuses an existing file
		if err := backupInto(ctx, f, dst); err != nil {
			return nil, fmt.Errorf("backup: database %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// pageCopier is modernc.org/sqlite's connection with the backup API.
type pageCopier interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

// backupInto copies src to dst (a new file) with the online backup API,
// all pages in one step; VACUUM INTO when the driver's connection has no
// backup API.
func backupInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", embedded.SQLiteURI(src)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	copied := false
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(pageCopier)
		if !ok {
			return nil
		}
		bk, err := pc.NewBackup(embedded.SQLiteURI(dst))
		if err != nil {
			return err
		}
		// One step, -1: every page inside one read transaction. Steps of
		// a few pages would restart on every write FerretDB makes meanwhile.
		_, err = bk.Step(-1)
		copied = true
		return errors.Join(err, bk.Finish())
	})
	if err != nil || copied {
		return err
	}
	return vacuumInto(ctx, src, dst)
}

func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", embedded.SQLiteURI(src)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(dst, "'", "''")+"'")
	return err
}
