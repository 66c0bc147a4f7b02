package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jesenice/twincms/internal/apitest"
	"github.com/jesenice/twincms/internal/backup"
	"github.com/jesenice/twincms/internal/storage"
)

// A slot of TWINCMS_BACKUP_SCHEDULE is backed up by one instance when
// two run the schedule on one database: the serving one (its schedule
// set in the configuration) and a second scheduler on the same database,
// objects and target, as a second instance would.
func TestScheduledBackupRunsOnceWithTwoInstances(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "backups")
	// Hourly: both schedulers see the same slot (the one that began this hour).
	s, err := startTestServer(filepath.Join(root, "data"), map[string]string{"TWINCMS_DEMO": "false",
		"TWINCMS_BACKUP_TARGET": target, "TWINCMS_BACKUP_SCHEDULE": "every 1h"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	tgt, err := backup.OpenTarget(target, backup.S3Keys{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	other, err := backup.NewService(ctx, backup.Source{DBDir: filepath.Join(s.cfg.DataDir, "db"), Objects: s.srv.objs,
		Hold: s.srv.ingest.HoldRemovals}, tgt, "", testLogger(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	sched, err := backup.ParseSchedule("every 1h")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		other.RunSchedule(ctx, sched, storage.NewLeases(s.srv.db), "second-instance", backup.Retention{Daily: 7, Weekly: 4}, 50*time.Millisecond)
	}()
	waitFor(t, 30*time.Second, "the scheduled backup", func() bool {
		ids, _ := backup.Backups(context.Background(), tgt)
		return len(ids) > 0
	})
	time.Sleep(time.Second) // both schedulers have looked at the slot
	ids, _ := backup.Backups(context.Background(), tgt)
	if len(ids) != 1 {
		t.Fatalf("backups of one slot: %v", ids)
	}
	st := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/backups", Token: testAdminToken}), 200).Map(t)
	if st["schedule"] != "every 1h" {
		t.Fatalf("status: %v", st)
	}
	cancel()
	<-done
}

// A backup that fails is a warning on /readyz (still 200), a metric, an
// audit entry and a backup.failed webhook event.
func TestFailedBackupWarnsOnReadyzAndFiresWebhook(t *testing.T) {
	root := t.TempDir()
	target := filepath.Join(root, "backups")
	s, err := startTestServer(filepath.Join(root, "data"), apitest.WebhookEnv(map[string]string{"TWINCMS_BACKUP_TARGET": target, "TWINCMS_METRICS": "public"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	rcv := apitest.NewHookReceiver(t, func(int) int { return 204 })
	s.as.CreateWebhook(t, rcv.URL, "backup.failed")
	// The target's directory is gone and a file stands in its place.
	if err := os.RemoveAll(target); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/backups", Token: testAdminToken}), 202).Map(t)
	last, _ := waitBackup(t, s, run["started_at"].(string))
	if last["status"] != "failed" || last["error"] == "" {
		t.Fatalf("backup into a file: %v", last)
	}
	ready := expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200).Map(t)
	if w, _ := ready["warnings"].(map[string]any); w == nil || !strings.Contains(w["backup"].(string), "failed") || ready["status"] != "ready" {
		t.Fatalf("readyz after a failed backup: %v", ready)
	}
	m := expect(t, s.do(t, req{Method: "GET", Path: "/metrics"}), 200)
	if !strings.Contains(string(m.Body), "twincms_backup_last_failed 1") || !strings.Contains(string(m.Body), `twincms_backups_total{result="failed"} 1`) {
		t.Fatal("the failure is not in /metrics")
	}
	waitFor(t, 10*time.Second, "the backup.failed event", func() bool {
		for _, msg := range rcv.Messages() {
			if strings.Contains(string(msg.Body), `"backup.failed"`) {
				return true
			}
		}
		return false
	})
	audit := expect(t, s.do(t, req{Method: "GET", Path: "/api/v1/audit?action=backup", Token: testAdminToken}), 200).Map(t)
	items := audit["items"].([]any)
	if len(items) != 1 || !strings.Contains(items[0].(map[string]any)["detail"].(string), "failed (api)") {
		t.Fatalf("audit: %v", audit)
	}

	// The target back: the next backup succeeds and the warning goes.
	if err := os.Remove(target); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(target, 0o700); err != nil {
		t.Fatal(err)
	}
	run = expect(t, s.do(t, req{Method: "POST", Path: "/api/v1/backups", Token: testAdminToken}), 202).Map(t)
	if last, _ := waitBackup(t, s, run["started_at"].(string)); last["status"] != "succeeded" {
		t.Fatalf("backup: %v", last)
	}
	if r := expect(t, s.do(t, req{Method: "GET", Path: "/readyz"}), 200).Map(t); r["warnings"] != nil {
		t.Fatalf("readyz after a good backup: %v", r)
	}
	m = expect(t, s.do(t, req{Method: "GET", Path: "/metrics"}), 200)
	if !strings.Contains(string(m.Body), "twincms_backup_last_failed 0") || strings.Contains(string(m.Body), "twincms_backup_last_size_bytes 0\n") {
		t.Fatal("the success is not in /metrics")
	}
}
