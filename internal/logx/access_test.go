package logx

import (
	"bytes"
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jesenice/twincms/models"
)

// accessCases are lines with every kind of value the fast path encodes:
// plain and quoted strings, empty ones, controls, UTF-8 (valid, invalid,
// spaces, unprintable), times in several zones and across seconds, and
// durations of every unit.
func accessCases(t *testing.T) []Access {
	t.Helper()
	ljubljana, err := time.LoadLocation("Europe/Ljubljana")
	if err != nil {
		ljubljana = time.FixedZone("CET", 3600)
	}
	base := time.Date(2026, 3, 29, 0, 59, 59, 999_600_000, time.UTC) // the minute before summer time
	times := []time.Time{base, base.Add(time.Millisecond), base.In(ljubljana), base.Add(time.Second).In(ljubljana),
		base.In(time.FixedZone("odd", -(3*3600 + 30*60))), time.Now(), time.Now().Add(-time.Hour), {},
		time.Date(10000, 1, 1, 0, 0, 0, 5e6, time.UTC)}
	strs := []string{"", "a", "/api/v1/public/pages/pobratene-obcine", "with space", "a=b", `q"uote`, `back\slash`,
		"tab\t", "nl\n", "\x7f", "\x00", "žabnica", "\u00a0nbsp", "\u2028", "bad\xffutf8", "emoji😀", "/x:y@z!$&'()*+,;%20"}
	for c := 0; c < 256; c++ {
		// Alone, and at each place of an eight-byte word (the scan's unit).
		strs = append(strs, string([]byte{byte(c)}))
		for at := range 9 {
			s := []byte("/api/v1/public/pages/x")
			s[5+at] = byte(c)
			strs = append(strs, string(s))
		}
	}
	strs = append(strs, "/api/v1/public/pages/éab", "/api/v1/public/pages　/", "/api/v1/public/pages/abÃ")
	durs := []time.Duration{0, 1, 999, time.Microsecond + 1, 1500 * time.Microsecond, time.Second, 90 * time.Minute, -time.Millisecond}
	clients := []netip.Addr{{}, netip.MustParseAddr("203.0.113.9"), netip.MustParseAddr("2001:db8::1"),
		netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("fe80::1%a b"), netip.MustParseAddr("::ffff:10.0.0.1")}
	var cases []Access
	for i, s := range strs {
		cases = append(cases, Access{Time: times[i%len(times)], RequestID: "0123456789abcdef01234567", Method: "GET",
			Path: s, Route: "/api/v1/public/pages/:slug", Status: 200 + i%3*100, Duration: durs[i%len(durs)], Bytes: i * 1000})
		cases = append(cases, Access{Time: times[(i+3)%len(times)], RequestID: s, Method: s, Path: "/", Route: s,
			Status: 304, Duration: durs[(i+1)%len(durs)], Client: clients[i%len(clients)]})
	}
	return cases
}

// The fast path writes the very bytes slog's TextHandler writes for the
// record LogAccess makes of the line, under this package's wrappers too.
func TestAccessLineIsSlogsLine(t *testing.T) {
	var fast, slow bytes.Buffer
	fastLoggers := []*slog.Logger{slog.New(NewTextHandler(&fast, nil)),
		WithRequestIDs(slog.New(NewTextHandler(&fast, nil))), LevelFilter(slog.New(NewTextHandler(&fast, nil)), slog.LevelInfo)}
	slowLogger := slog.New(slog.NewTextHandler(&slow, nil))
	ctx := models.WithRequestID(context.Background(), "from-context")
	for _, a := range accessCases(t) {
		for _, l := range fastLoggers {
			fast.Reset()
			slow.Reset()
			LogAccess(ctx, l, a)
			LogAccess(ctx, slowLogger, a)
			if fast.String() != slow.String() {
				t.Fatalf("fast path\n%q\nslog\n%q", fast.String(), slow.String())
			}
		}
	}
}

// Options that change the line (ReplaceAttr, source) and handlers with
// attributes or groups take slog's path; a filter above info drops it.
func TestAccessLineFallsBackToSlog(t *testing.T) {
	a := Access{Time: time.Now(), RequestID: "id1", Method: "GET", Path: "/p", Route: "/p", Status: 200, Duration: time.Millisecond}
	var buf bytes.Buffer
	upper := &slog.HandlerOptions{ReplaceAttr: func(_ []string, at slog.Attr) slog.Attr {
		if at.Key == "path" {
			at.Value = slog.StringValue("/P")
		}
		return at
	}}
	LogAccess(context.Background(), slog.New(NewTextHandler(&buf, upper)), a)
	if !strings.Contains(buf.String(), "path=/P ") {
		t.Errorf("ReplaceAttr skipped: %q", buf.String())
	}
	buf.Reset()
	LogAccess(context.Background(), slog.New(NewTextHandler(&buf, nil)).With("component", "api"), a)
	if !strings.Contains(buf.String(), "msg=request component=api request_id=id1 ") {
		t.Errorf("attributes lost: %q", buf.String())
	}
	buf.Reset()
	LogAccess(context.Background(), LevelFilter(slog.New(NewTextHandler(&buf, nil)), slog.LevelWarn), a)
	if buf.Len() != 0 {
		t.Errorf("logged below the filter: %q", buf.String())
	}
}

// The record a generic handler gets owns its strings: the request's
// memory is reused once LogAccess returns.
func TestAccessRecordOwnsItsStrings(t *testing.T) {
	var got slog.Record
	l := slog.New(keep{&got})
	mem := []byte("/secret/path id-123 GETX")
	LogAccess(context.Background(), l, Access{Path: string(mem[:12]), RequestID: string(mem[13:19]), Method: string(mem[20:])})
	for i := range mem {
		mem[i] = 'x'
	}
	var line []string
	got.Attrs(func(at slog.Attr) bool { line = append(line, at.String()); return true })
	if s := strings.Join(line, " "); !strings.Contains(s, "request_id=id-123 method=GETX path=/secret/path") {
		t.Fatalf("record %s", s)
	}
}

type keep struct{ r *slog.Record }

func (keep) Enabled(context.Context, slog.Level) bool { return true }
func (k keep) Handle(_ context.Context, r slog.Record) error {
	*k.r = r
	return nil
}
func (k keep) WithAttrs([]slog.Attr) slog.Handler { return k }
func (k keep) WithGroup(string) slog.Handler      { return k }

// Lines written from many goroutines through a Writer come out whole.
func TestAccessLinesStayWhole(t *testing.T) {
	var out lockedBuffer
	w := NewWriter(&out, time.Hour)
	l := slog.New(NewTextHandler(w, nil))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				if i%100 == 0 {
					l.Info("other", "g", g)
				}
				LogAccess(context.Background(), l, Access{Time: time.Now(), RequestID: "r", Method: "GET",
					Path: "/api/v1/public/pages/pobratene-obcine", Route: "/r", Status: 200, Duration: time.Duration(i)})
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*2000+8*20 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "time=") || !(strings.HasSuffix(line, " bytes=0") || strings.Contains(line, "msg=other g=")) {
			t.Fatalf("broken line %q", line)
		}
	}
}

// BenchmarkAccessLine is the access line's cost by path: the fast path
// into a Writer, and slog's record (what a handler of another kind gets).
func BenchmarkAccessLine(b *testing.B) {
	a := Access{Time: time.Now(), RequestID: "0123456789abcdef01234567", Method: "GET", Path: "/api/v1/public/pages/pobratene-obcine",
		Route: "/api/v1/public/pages/:slug", Status: 304, Duration: 123456 * time.Nanosecond}
	for _, bc := range []struct {
		name string
		l    *slog.Logger
	}{
		{"fast", WithRequestIDs(slog.New(NewTextHandler(NewWriter(discard{}, 0), nil)))},
		{"slog", WithRequestIDs(slog.New(slog.NewTextHandler(NewWriter(discard{}, 0), nil)))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					LogAccess(context.Background(), bc.l, a)
				}
			})
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
