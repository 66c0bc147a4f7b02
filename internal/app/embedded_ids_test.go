package app_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/jesenice/twincms/internal/apitest"
	_ "modernc.org/sqlite"
)

// On the embedded store every collection's table carries the index FerretDB's _id lookups use (embedded.DB.IndexIDs),
// the documents' and the claims' among them: without it each update of a
// document scans the collection.
func TestEmbeddedCollectionsIndexIDLookups(t *testing.T) {
	s := apitest.Empty(t, nil)
	// The claims' collection is made by the first upload; the loop in Run
	// indexes it within seconds, as this call does now.
	apitest.Expect(t, s.Upload(t, apitest.AdminToken, apitest.DocMeta("scan", "Prvi dokument"), "prvi.pdf", "application/pdf", apitest.PDFBytes("prvi", 2000)), 201)
	s.CMS.IndexEmbeddedIDs(t.Context())
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(filepath.Join(s.Cfg.DataDir, "db", s.Cfg.MongoDatabase+".sqlite"))+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT c.name, (SELECT count(*) FROM sqlite_master m WHERE m.type = 'index' AND m.tbl_name = c.table_name
		AND m.name = c.table_name || '_twincms_id_path') FROM _ferretdb_collections c`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("collection %s has no _id lookup index", name)
		}
		seen[name] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"documents", "sha256_claims", "partnerships"} {
		if !seen[want] {
			t.Errorf("no collection %s in %v", want, seen)
		}
	}
}
