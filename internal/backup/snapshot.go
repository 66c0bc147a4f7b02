package backup

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// snapshotDatabases copies every FerretDB database file (*.sqlite) in
// dbDir into outDir with VACUUM INTO: SQLite reads the database inside one
// read transaction (the WAL lets FerretDB keep writing meanwhile) and
// writes a compact, consistent copy. The connection is opened with the
// same driver as FerretDB's (modernc.org/sqlite) in the same process, so
// SQLite's locks see each other. It returns the files written, by name.
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
		if err := vacuumInto(ctx, f, dst); err != nil {
			return nil, fmt.Errorf("backup: database %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

func vacuumInto(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(src)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, "VACUUM INTO '"+strings.ReplaceAll(dst, "'", "''")+"'")
	return err
}
