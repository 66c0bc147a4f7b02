package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"time"
)

// Retention is how many backups a target keeps: the newest of each of the
// last Daily days that have one and of the last Weekly ISO weeks, in Loc.
// The newest backup is always kept.
type Retention struct {
	Daily, Weekly int
	Loc           *time.Location
}

// In is r with its days counted in loc.
func (r Retention) In(loc *time.Location) Retention { r.Loc = loc; return r }

// Keep picks the backups to keep of ids (oldest first).
func (r Retention) Keep(ids []string) map[string]bool {
	loc := r.Loc
	if loc == nil {
		loc = time.UTC
	}
	keep := map[string]bool{}
	days, weeks := map[string]bool{}, map[string]bool{}
	for i := len(ids) - 1; i >= 0; i-- {
		at, err := time.Parse("20060102T150405Z", strings.SplitN(ids[i], "-", 2)[0])
		if err != nil {
			continue
		}
		at = at.In(loc)
		day := at.Format(time.DateOnly)
		y, w := at.ISOWeek()
		week := fmt.Sprintf("%d-%02d", y, w)
		if i == len(ids)-1 {
			keep[ids[i]] = true
		}
		if !days[day] && len(days) < r.Daily {
			days[day], keep[ids[i]] = true, true
		}
		if !weeks[week] && len(weeks) < r.Weekly {
			weeks[week], keep[ids[i]] = true, true
		}
		days[day], weeks[week] = true, true
	}
	return keep
}

// Prune removes the backups r does not keep, the staging directories of
// backups cut short (older than the newest backup), the temporary pool
// files and the pool objects no kept backup names. Call it only when no
// backup runs into t.
func Prune(ctx context.Context, t Target, r Retention) ([]string, error) {
	ids, err := Backups(ctx, t)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	keep := r.Keep(ids)
	var removed []string
	for _, id := range ids {
		if !keep[id] {
			if err := t.RemoveAll(ctx, id); err != nil {
				return removed, err
			}
			removed = append(removed, id)
		}
	}
	names, err := t.List(ctx, "")
	if err != nil {
		return removed, err
	}
	newest := ids[len(ids)-1]
	for _, n := range names {
		if id := strings.TrimSuffix(n, partialSuffix); id != n && idPattern.MatchString(id) && id < newest {
			if err := t.RemoveAll(ctx, n); err != nil {
				return removed, err
			}
		}
	}
	if err := t.RemoveAll(ctx, poolTmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return removed, err
	}
	inPool, err := t.List(ctx, path.Dir(poolDir))
	if err != nil {
		return removed, err
	}
	for _, n := range inPool {
		if strings.HasPrefix(n, poolTmpPrefix) {
			if err := t.RemoveAll(ctx, join(path.Dir(poolDir), n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return removed, err
			}
		}
	}
	// The pool: what no kept backup names goes.
	named := map[string]bool{}
	for id := range keep {
		rc, err := t.Open(ctx, join(id, objectsTag))
		if err != nil {
			return removed, err // never guess: keep the pool as it is
		}
		dec := json.NewDecoder(rc)
		for {
			var o Object
			if err := dec.Decode(&o); err != nil {
				break
			}
			named[o.SHA256] = true
		}
		_ = rc.Close()
		if err := namePacks(ctx, t, id, named); err != nil {
			return removed, err
		}
	}
	files, err := t.Files(ctx, poolDir)
	if err != nil {
		return removed, nil
	}
	for _, f := range files {
		if !named[path.Base(f)] {
			if err := t.RemoveAll(ctx, join(poolDir, f)); err != nil {
				return removed, err
			}
		}
	}
	return removed, nil
}

// namePacks marks the database packs of backup id in named (none in a
// backup of format 1).
func namePacks(ctx context.Context, t Target, id string, named map[string]bool) error {
	rc, err := t.Open(ctx, join(id, databaseTag))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	var dbs []DatabaseFile
	if err := json.NewDecoder(rc).Decode(&dbs); err != nil {
		return fmt.Errorf("backup: %s/%s: %w", id, databaseTag, err) // never guess: keep the pool
	}
	for _, db := range dbs {
		for _, sum := range db.Packs {
			named[sum] = true
		}
	}
	return nil
}
