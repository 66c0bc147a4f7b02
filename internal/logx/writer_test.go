package logx

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to read while a Writer's timer
// writes to it; it counts the writes.
type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

// A line waits at most the flush interval, and lines buffered together
// are written in one call, in order.
func TestWriterFlushesOnItsTimer(t *testing.T) {
	var out lockedBuffer
	w := NewWriter(&out, 50*time.Millisecond)
	start := time.Now()
	for _, s := range []string{"one\n", "two\n", "three\n"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if out.String() != "" {
		t.Fatal("written at once")
	}
	for out.String() == "" {
		if time.Since(start) > 5*time.Second {
			t.Fatal("not written after 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if out.String() != "one\ntwo\nthree\n" || out.count() != 1 {
		t.Fatalf("%d writes: %q", out.count(), out.String())
	}
	// The timer is armed again by the next line.
	_, _ = w.Write([]byte("four\n"))
	time.Sleep(200 * time.Millisecond)
	if out.String() != "one\ntwo\nthree\nfour\n" {
		t.Fatalf("%q", out.String())
	}
}

// A full buffer is written at once; Close writes the rest, and lines
// after Close are written through.
func TestWriterFlushesWhenFullAndAtClose(t *testing.T) {
	var out lockedBuffer
	w := NewWriter(&out, time.Hour)
	line := []byte(strings.Repeat("x", 99) + "\n")
	for range flushSize / len(line) {
		_, _ = w.Write(line)
	}
	if out.count() != 0 {
		t.Fatal("written before full")
	}
	_, _ = w.Write(line)
	if out.count() != 1 || out.String() != strings.Repeat(string(line), flushSize/len(line)+1) {
		t.Fatalf("%d writes, %d bytes", out.count(), len(out.String()))
	}
	_, _ = w.Write([]byte("tail\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out.String(), "x\ntail\n") {
		t.Fatal("Close left lines behind")
	}
	_, _ = w.Write([]byte("after\n"))
	if !strings.HasSuffix(out.String(), "tail\nafter\n") {
		t.Fatal("line after Close not written")
	}
}

// An error line is written at once, not on the timer.
func TestErrorLinesAreWrittenAtOnce(t *testing.T) {
	var out lockedBuffer
	w := NewWriter(&out, time.Hour)
	l := slog.New(NewTextHandler(w, nil))
	l.Info("first")
	l.Warn("second")
	if out.String() != "" {
		t.Fatal("info written at once")
	}
	l.Error("broken")
	if s := out.String(); strings.Count(s, "\n") != 3 || !strings.Contains(s, "msg=broken") {
		t.Fatalf("%q", s)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsWriteErrors(t *testing.T) {
	w := NewWriter(failing{}, time.Hour)
	_, _ = w.Write([]byte("x\n"))
	if err := w.Flush(); err == nil {
		t.Fatal("no error")
	}
}

// A command's report written through Direct comes after the lines logged
// before it, and Direct writes and timer flushes to a plain bytes.Buffer
// never overlap (run with -race).
func TestDirectKeepsOrderAndOneWriterAtATime(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out, time.Millisecond)
	d := w.Direct()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				if i%2 == 0 {
					_, _ = w.Write([]byte("log\n"))
				} else {
					_, _ = d.Write([]byte("report\n"))
				}
				if j%50 == 0 {
					time.Sleep(2 * time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	_, _ = w.Write([]byte("last log\n"))
	_, _ = d.Write([]byte("after\n"))
	_ = w.Close()
	if got := out.String(); !strings.HasSuffix(got, "last log\nafter\n") || strings.Count(got, "log\n") != 401 || strings.Count(got, "report\n") != 400 {
		t.Fatalf("unexpected output tail %q (%d log, %d report lines)", got[max(0, len(got)-40):], strings.Count(got, "log\n"), strings.Count(got, "report\n"))
	}
}
