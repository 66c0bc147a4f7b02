package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Whole-process tests of backup and restore: the API starts a backup of a
// serving twincms while it takes writes; the command verifies it and
// restores it into a new data dir; a twincms started there has every
// acknowledged write.

// ackedDoc is a document upload the server acknowledged.
type ackedDoc struct {
	id, sha string
	at      time.Time
}

// writeLoad uploads documents and edits a partnership until stop closes,
// recording every acknowledged write.
func writeLoad(base, token, partnership string, version int64, stop <-chan struct{}) (docs chan ackedDoc, edits chan [2]any, done chan struct{}) {
	docs, edits, done = make(chan ackedDoc, 1000), make(chan [2]any, 1000), make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			data := pdfBytes(fmt.Sprintf("load-%d-%d", i, time.Now().UnixNano()), 64<<10+i*997)
			ct, body := multipartUpload(docMeta("charter", fmt.Sprintf("Load %d", i)), fmt.Sprintf("load-%d.pdf", i), "application/pdf", data)
			r, err := rawDo(http.MethodPost, base+"/api/v1/documents", token, ct, "", body)
			if err == nil && r.StatusCode == 201 {
				var d struct{ ID string }
				_ = json.NewDecoder(r.Body).Decode(&d)
				docs <- ackedDoc{id: d.ID, sha: sha(data), at: time.Now()}
			}
			if r != nil {
				r.Body.Close()
			}
			patch := fmt.Sprintf(`{"partner":{"name":{"sl":"Edit %d"}}}`, i)
			r, err = rawDo(http.MethodPatch, base+"/api/v1/partnerships/"+partnership, token, "application/merge-patch+json", fmt.Sprintf(`"%d"`, version), []byte(patch))
			if err == nil && r.StatusCode == 200 {
				version++
				edits <- [2]any{version, time.Now()}
			}
			if r != nil {
				r.Body.Close()
			}
		}
	}()
	return docs, edits, done
}

func rawDo(method, url, token, ct, ifMatch string, body []byte) (*http.Response, error) {
	rq, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	rq.Header.Set("Authorization", "Bearer "+token)
	rq.Header.Set("Content-Type", ct)
	if ifMatch != "" {
		rq.Header.Set("If-Match", ifMatch)
	}
	return httpClient.Do(rq)
}

// waitBackup polls GET /backups until the backup started at started has
// ended, and returns its run.
func waitBackup(t *testing.T, s *testServer, started string) (last map[string]any, sawProgress bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		st := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/backups", Token: testAdminToken}), 200).Map(t)
		if run, ok := st["running"].(map[string]any); ok {
			if p := run["progress"].(map[string]any); p["bytes_total"].(float64) > 0 {
				sawProgress = true
			}
		} else if l, ok := st["last"].(map[string]any); ok && l["started_at"] == started {
			return l, sawProgress
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the backup did not end within 2 minutes")
	return nil, false
}

// restoreEnv is the environment of a twincms on dataDir.
func restoreEnv(dataDir string) func(string) string {
	s3, _ := freeAddr()
	vars := map[string]string{"TWINCMS_DATA_DIR": dataDir, "TWINCMS_S3_ADDR": s3, "TWINCMS_DEMO": "false", "TWINCMS_LOG_LEVEL": "warn"}
	for k, v := range externalS3Env(dataDir) {
		vars[k] = v
	}
	vars["TWINCMS_DEMO"] = "false"
	return func(k string) string { return vars[k] }
}

// runCmd runs the twincms command in this process and returns its exit
// code and output.
func runCmd(getenv func(string) string, args ...string) (int, string) {
	var out, errw bytes.Buffer
	code := run(args, getenv, &out, &errw)
	return code, out.String() + errw.String()
}

func TestBackupUnderLoadRestoresEveryAcknowledgedWrite(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "backups")
	s, err := startTestServer(filepath.Join(root, "data"), map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_BACKUP_TARGET": target})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	editor := s.newToken(t, "editor")
	p := create(t, s, editor, minimalPartnership("backup-town", "Backup"))
	pid := p["id"].(string)
	var before []ackedDoc
	for i := range 5 {
		data := pdfBytes(fmt.Sprintf("before-%d", i), 200<<10)
		d := expect(t, s.upload(t, editor, docMeta("charter", fmt.Sprintf("Before %d", i)), "before.pdf", "application/pdf", data), 201).Map(t)
		before = append(before, ackedDoc{id: d["id"].(string), sha: sha(data)})
	}
	stop := make(chan struct{})
	docs, edits, done := writeLoad(s.base, editor, pid, int64(p["version"].(float64)), stop)
	// Writes are under way: some uploads and an edit acknowledged (waited
	// for, not slept: a loaded machine may take seconds for them).
	waitFor(t, 30*time.Second, "writes acknowledged before the backup", func() bool { return len(docs) >= 2 && len(edits) >= 1 })
	startedAt := time.Now()
	run := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/backups", Token: testAdminToken}), 202).Map(t)
	if run["status"] != "running" {
		t.Fatalf("started: %v", run)
	}
	expectProblem(t, s.do(t, req{Method: "POST", Path: "/api/v1/backups", Token: testAdminToken}), 409, "conflict")
	last, _ := waitBackup(t, s, run["started_at"].(string))
	time.Sleep(200 * time.Millisecond) // and writes go on after it
	close(stop)
	<-done
	close(docs)
	close(edits)
	if last["status"] != "succeeded" {
		t.Fatalf("backup: %v", last)
	}
	prog := last["progress"].(map[string]any)
	if prog["files_done"] != prog["files_total"] || prog["bytes_done"] != prog["bytes_total"] || prog["bytes_total"].(float64) == 0 {
		t.Fatalf("progress at the end: %v", prog)
	}
	for d := range docs {
		if d.at.Before(startedAt) {
			before = append(before, d)
		}
	}
	var editedBefore int64
	for e := range edits {
		if e[1].(time.Time).Before(startedAt) {
			editedBefore = e[0].(int64)
		}
	}
	if editedBefore == 0 || len(before) < 7 {
		t.Fatalf("too few writes before the backup: %d documents, partnership version %d", len(before), editedBefore)
	}
	bak := filepath.Join(target, last["id"].(string))
	var manifest struct {
		Version string `json:"twincms_version"`
		Level   string `json:"migration_level"`
	}
	raw, err := os.ReadFile(filepath.Join(bak, "twincms-backup.json"))
	if err != nil || json.Unmarshal(raw, &manifest) != nil {
		t.Fatalf("twincms-backup.json: %v %s", err, raw)
	}
	if manifest.Level != fmt.Sprint(s.srv.MigrationLevel()) || last["migration_level"] != manifest.Level || manifest.Version == "" {
		t.Fatalf("manifest %+v (run %v), want migration level %d", manifest, last["migration_level"], s.srv.MigrationLevel())
	}

	if code, out := runCmd(restoreEnv(filepath.Join(root, "unused")), "backup", "verify", bak); code != 0 || !strings.Contains(out, "verified") {
		t.Fatalf("verify: %d %s", code, out)
	}
	restored := filepath.Join(root, "restored")
	env := restoreEnv(restored)
	if code, out := runCmd(env, "restore", bak); code != 0 {
		t.Fatalf("restore: %d %s", code, out)
	}
	if code, out := runCmd(env, "restore", bak); code == 0 || !strings.Contains(out, "not empty") {
		t.Fatalf("a second restore into the filled dir: %d %s", code, out)
	}
	s2, err := startTestServer(restored, map[string]string{"TWINCMS_DEMO": "false", "TWINCMS_S3_ADDR": env("TWINCMS_S3_ADDR")})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.close()
	archivist := s2.newToken(t, "archivist")
	for _, d := range before {
		expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + d.id, Token: archivist}), 200)
		r := expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/archive/documents/" + d.id + "/original", Token: archivist}), 200)
		if sha(r.Body) != d.sha {
			t.Fatalf("document %s: restored original has another SHA-256", d.id)
		}
	}
	gotP := expect(t, s2.do(t, req{Method: "GET", Path: "/api/v1/partnerships/" + pid, Token: testAdminToken}), 200).Map(t)
	if int64(gotP["version"].(float64)) < editedBefore {
		t.Fatalf("partnership restored at version %v, an edit to version %d was acknowledged before the backup", gotP["version"], editedBefore)
	}
	audit := expect(t, s2.do(t, req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: archivist}), 200).Map(t)
	if audit["failed"].(float64) != 0 || audit["checked"].(float64) < float64(len(before)) {
		t.Fatalf("fixity audit of the restored service: %v", audit)
	}
	st := expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200).Map(t)
	if st["warnings"] != nil {
		t.Fatalf("readyz after a good backup: %v", st)
	}
}

// A twincms serves the data dir: `twincms backup` asks it (the data-dir
// lock keeps the command off the SQLite files) and follows its progress.
// A backup killed with SIGKILL half-way leaves the source untouched and a
// staging directory that is no backup: verify fails, restore refuses.
func TestBackupCommandAsksServerAndKilledBackupIsIncomplete(t *testing.T) {
	dir, target := t.TempDir(), t.TempDir()
	s3, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	c := startChild(t, dir, s3, "TWINCMS_BACKUP_TARGET="+target, "TWINCMS_BACKUP_RATE_LIMIT=2MiB")
	var shas []string
	uploadSome := func(n int) {
		for range n {
			i := len(shas)
			data := pdfBytes(fmt.Sprintf("kill-%d", i), 1<<20)
			ct, body := multipartUpload(docMeta("charter", fmt.Sprintf("Kill %d", i)), "kill.pdf", "application/pdf", data)
			r, err := rawDo(http.MethodPost, c.base+"/api/v1/documents", testAdminToken, ct, "", body)
			if err != nil || r.StatusCode != 201 {
				t.Fatalf("upload: %v %v", r, err)
			}
			r.Body.Close()
			shas = append(shas, sha(data))
		}
	}
	uploadSome(2)
	addr := strings.TrimPrefix(c.base, "http://")
	env := map[string]string{"TWINCMS_DATA_DIR": dir, "TWINCMS_ADDR": addr, "TWINCMS_S3_ADDR": s3}
	getenv := func(k string) string { return env[k] }
	if code, out := runCmd(getenv, "backup"); code == 0 || !strings.Contains(out, "TWINCMS_BACKUP_TOKEN") {
		t.Fatalf("backup beside a serving twincms without a token: %d %s", code, out)
	}
	env["TWINCMS_BACKUP_TOKEN"] = testAdminToken
	code, out := runCmd(getenv, "backup")
	if code != 0 || !strings.Contains(out, "backing up to "+target) || !strings.Contains(out, "done") {
		t.Fatalf("backup through the serving twincms: %d %s", code, out)
	}
	kept, _ := filepath.Glob(filepath.Join(target, "2*"))
	if len(kept) != 1 {
		t.Fatalf("backups: %v", kept)
	}
	if code, out := runCmd(restoreEnv(t.TempDir()), "backup", "verify", kept[0]); code != 0 {
		t.Fatalf("verify the finished backup: %s", out)
	}

	// A second backup, killed half-way through its new objects (those
	// of the first are not sent again).
	uploadSome(6)
	r, err := rawDo(http.MethodPost, c.base+"/api/v1/backups", testAdminToken, "", "", nil)
	if err != nil || r.StatusCode != 202 {
		t.Fatalf("start: %v %v", r, err)
	}
	r.Body.Close()
	var partial string
	deadline := time.Now().Add(30 * time.Second)
	for partial == "" && time.Now().Before(deadline) {
		ps, _ := filepath.Glob(filepath.Join(target, "*.partial", "data", "database"))
		if len(ps) == 1 {
			partial = filepath.Dir(filepath.Dir(ps[0]))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if partial == "" {
		t.Fatal("the second backup never started writing")
	}
	time.Sleep(300 * time.Millisecond) // into its objects (2 MiB/s)
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-c.exited
	if code, out := runCmd(restoreEnv(t.TempDir()), "backup", "verify", partial); code == 0 || !strings.Contains(out, "bagit.txt") {
		t.Fatalf("verify of the killed backup: %d %s", code, out)
	}
	into := t.TempDir()
	if code, out := runCmd(restoreEnv(into), "restore", partial); code == 0 || !strings.Contains(out, "not a complete, intact backup") {
		t.Fatalf("restore of the killed backup: %d %s", code, out)
	}
	if left, _ := os.ReadDir(into); len(left) != 0 {
		t.Fatalf("a refused restore wrote %v", left)
	}
	s := c.restart(t)
	archivist := s.newToken(t, "archivist")
	audit := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/archive/fixity/run", Token: archivist}), 200).Map(t)
	if audit["failed"].(float64) != 0 || audit["checked"].(float64) != float64(len(shas)) {
		t.Fatalf("fixity audit of the source after the kill: %v", audit)
	}
}
