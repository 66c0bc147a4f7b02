package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/jesenice/twincms/internal/bulk"
)

// progressBar shows a bulk ingest's progress: on a terminal one line
// redrawn at most ten times a second (bar, counts, rate, ETA); otherwise
// (a log, a pipe) a plain line when a phase starts, at every tenth of it
// and at least every 10 s.
type progressBar struct {
	w        io.Writer
	tty      bool
	last     time.Time
	phase    bulk.Phase
	tenth    int
	drawn    bool
	lastSeen bulk.Progress
}

// update is the run's Progress callback (never called concurrently).
func (b *progressBar) update(p bulk.Progress) {
	b.lastSeen = p
	now := time.Now()
	if b.tty {
		if p.Phase == b.phase && p.Done < p.Total && now.Sub(b.last) < 100*time.Millisecond {
			return
		}
		if p.Phase != b.phase && b.drawn {
			fmt.Fprintln(b.w) // keep the finished phase's line
		}
		b.phase, b.last, b.drawn = p.Phase, now, true
		fmt.Fprintf(b.w, "\r\033[K%s", progressLine(p, true))
		return
	}
	tenth := 0
	if p.Total > 0 {
		tenth = p.Done * 10 / p.Total
	}
	if p.Phase == b.phase && tenth == b.tenth && now.Sub(b.last) < 10*time.Second {
		return
	}
	b.phase, b.tenth, b.last = p.Phase, tenth, now
	fmt.Fprintln(b.w, progressLine(p, false))
}

// finish ends the redrawn line.
func (b *progressBar) finish() {
	if b.tty && b.drawn {
		fmt.Fprintf(b.w, "\r\033[K%s\n", progressLine(b.lastSeen, true))
	}
}

// progressLine renders one state: phase, files done, rate and ETA.
func progressLine(p bulk.Progress, bar bool) string {
	pct := 100.0
	if p.Total > 0 {
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	rate := 0.0
	if s := p.PhaseElapsed.Seconds(); s > 0 {
		rate = float64(p.Done) / s
	}
	eta := "–"
	if rate > 0 && p.Done < p.Total {
		eta = (time.Duration(float64(p.Total-p.Done)/rate) * time.Second).Round(time.Second).String()
	} else if p.Done >= p.Total {
		eta = "0s"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s ", p.Phase)
	if bar {
		const width = 30
		full := int(pct / 100 * width)
		fmt.Fprintf(&b, "[%s%s] ", strings.Repeat("#", full), strings.Repeat(".", width-full))
	}
	fmt.Fprintf(&b, "%d/%d files (%.0f%%), %s", p.Done, p.Total, pct, humanBytes(p.BytesDone))
	if p.Phase == bulk.PhaseIngesting {
		fmt.Fprintf(&b, ", %d stored, %d skipped, %d failed", p.Stored, p.Skipped, p.Failed)
	}
	fmt.Fprintf(&b, ", %.1f files/s, ETA %s", rate, eta)
	return b.String()
}

// humanBytes is a size for people.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// isTerminal reports whether w is a terminal (a character device that is
// not /dev/null), without a dependency: the bar's redraws would litter a
// log or a pipe.
func isTerminal(w io.Writer) bool {
	if d, ok := w.(interface{ Destination() io.Writer }); ok {
		w = d.Destination()
	}
	f, ok := w.(*os.File)
	if !ok || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}
