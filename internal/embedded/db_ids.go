package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the driver FerretDB's SQLite backend uses
)

// FerretDB v1's SQLite backend finds a document by _id (every update,
// delete, findAndModify and find by _id) with
//
//	WHERE _ferretdb_sjson->'$._id' = ?
//
// while the unique index it makes for _id is on _ferretdb_sjson->"_id".
// SQLite uses an expression index only for the very same expression, so
// each such statement scanned the whole table, parsing every row's JSON:
// a document's update cost grew with the collection (40 % of a loaded
// benchmark's CPU). IndexIDs adds, to every collection's table, an index
// on the expression the statements use. FerretDB does not know of it and
// need not: SQLite keeps it with the table and drops it with it.

// idIndexSuffix names the index beside FerretDB's own (theirs end in the
// index's name, "__id_"; a collection's indexes are named by twincms).
const idIndexSuffix = "_twincms_id_path"

// IndexIDs makes sure every collection's table in the embedded store's
// SQLite files has the index FerretDB's _id lookups use (see above). It
// is cheap when they all have it (one read); call it after collections
// are created.
func (e *DB) IndexIDs(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(e.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		if err := indexIDs(ctx, f); err != nil {
			errs = append(errs, fmt.Errorf("embedded db: index _id lookups in %s: %w", filepath.Base(f), err))
		}
	}
	return errors.Join(errs...)
}

// indexIDs indexes the _id lookups of every collection in one file.
func indexIDs(ctx context.Context, file string) error {
	db, err := sql.Open("sqlite", SQLiteURI(file)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	// Only the tables that lack it: a read, so the check costs FerretDB's
	// writers nothing when every table has it.
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM _ferretdb_collections c WHERE NOT EXISTS
		(SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.tbl_name = c.table_name AND m.name = c.table_name || ?)`, idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database without collections yet
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+idIndexSuffix, t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
	}
	return nil
}

// SQLiteURI is the SQLite URI of a file path, its URI characters escaped
// (the query that follows is the caller's).
func SQLiteURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
}
