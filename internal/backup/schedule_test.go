package backup

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseScheduleAndSlot(t *testing.T) {
	lj, err := time.LoadLocation("Europe/Ljubljana")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 5, 23, 30, 0, 0, time.UTC) // Sunday 00:30 in Ljubljana (CET)
	for _, c := range []struct {
		spec string
		want time.Time
	}{
		{"daily 02:00 Europe/Ljubljana", time.Date(2026, 12, 5, 2, 0, 0, 0, lj)},
		{"daily at 00:15 Europe/Ljubljana", time.Date(2026, 12, 6, 0, 15, 0, 0, lj)},
		{"Daily 23:00", time.Date(2026, 12, 5, 23, 0, 0, 0, time.UTC)},
		{"weekly sunday 03:00 Europe/Ljubljana", time.Date(2026, 11, 29, 3, 0, 0, 0, lj)},
		{"weekly on sat at 01:00 Europe/Ljubljana", time.Date(2026, 12, 5, 1, 0, 0, 0, lj)},
		{"every 6h", time.Date(2026, 12, 5, 18, 0, 0, 0, time.UTC)},
	} {
		s, err := ParseSchedule(c.spec)
		if err != nil {
			t.Fatalf("%q: %v", c.spec, err)
		}
		if got := s.Slot(now); !got.Equal(c.want) {
			t.Errorf("%q: slot %v, want %v", c.spec, got, c.want)
		}
	}
	for _, bad := range []string{"", "daily", "daily 25:00", "daily 02:00 Mars/Olympus", "weekly 02:00", "weekly funday 02:00",
		"every", "every 10ms", "every soon", "hourly", "daily 02:00 Europe/Ljubljana extra"} {
		if _, err := ParseSchedule(bad); err == nil || !strings.Contains(err.Error(), "TWINCMS_BACKUP_SCHEDULE") {
			t.Errorf("%q: %v, want a refusal naming the variable", bad, err)
		}
	}
}

func TestRetentionKeepsNewestOfDaysAndWeeks(t *testing.T) {
	var ids []string
	start := time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)
	for d := range 60 { // two a day for 60 days
		for _, h := range []int{0, 12} {
			ids = append(ids, start.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour).Format("20060102T150405Z"))
		}
	}
	keep := Retention{Daily: 7, Weekly: 4, Loc: time.UTC}.Keep(ids)
	var kept []string
	for _, id := range ids {
		if keep[id] {
			kept = append(kept, id)
		}
	}
	// 7 days' newest, and the newest of the 4 weeks (the first of which is
	// a day already kept): 7 + 3.
	if len(kept) != 10 || kept[len(kept)-1] != ids[len(ids)-1] {
		t.Fatalf("kept %v", kept)
	}
	for _, id := range kept[len(kept)-7:] {
		if !strings.HasSuffix(id, "T140000Z") {
			t.Fatalf("a day's newest backup is the 14:00 one: %v", kept)
		}
	}
}

func TestPruneRemovesOldBackupsAndUnnamedPoolObjects(t *testing.T) {
	root := t.TempDir()
	tgt, err := OpenTarget(root, S3Keys{})
	if err != nil {
		t.Fatal(err)
	}
	sum := func(c byte) string { return strings.Repeat(string(c), 64) }
	mk := func(id string, objs ...string) {
		var lines []string
		for _, o := range objs {
			lines = append(lines, `{"key":"originals/`+o+`","size":1,"sha256":"`+o+`"}`)
		}
		must(t, os.MkdirAll(filepath.Join(root, id), 0o700))
		must(t, os.WriteFile(filepath.Join(root, id, "bagit.txt"), []byte("BagIt-Version: 1.0\n"), 0o600))
		must(t, os.WriteFile(filepath.Join(root, id, objectsTag), []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	}
	for _, c := range []byte("abc") {
		must(t, os.MkdirAll(filepath.Join(root, poolDir, sum(c)[:2]), 0o700))
		must(t, os.WriteFile(filepath.Join(root, poolDir, sum(c)[:2], sum(c)), []byte("x"), 0o600))
	}
	mk("20261101T020000Z", sum('a'))
	mk("20261201T020000Z", sum('b'))
	mk("20261202T020000Z", sum('b'))
	must(t, os.MkdirAll(filepath.Join(root, "20261130T020000Z.partial"), 0o700))
	removed, err := Prune(context.Background(), tgt, Retention{Daily: 1, Weekly: 0})
	if err != nil {
		t.Fatal(err)
	}
	left, _ := Backups(context.Background(), tgt)
	if !slices.Equal(left, []string{"20261202T020000Z"}) || len(removed) != 2 {
		t.Fatalf("left %v, removed %v", left, removed)
	}
	pool, _ := tgt.Files(context.Background(), poolDir)
	if !slices.Equal(pool, []string{"bb/" + sum('b')}) {
		t.Fatalf("pool %v", pool)
	}
	if _, err := os.Stat(filepath.Join(root, "20261130T020000Z.partial")); err == nil {
		t.Fatal("an old staging directory was kept")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
