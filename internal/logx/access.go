package logx

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Access is one access-log line: the record "request" at info with these
// fields, in this order. The strings may alias the request's memory (Fiber
// reuses it): they are read only during LogAccess.
type Access struct {
	Time      time.Time // when the response was ready: the record's time
	RequestID string
	// Client is the client's address (the auth throttle's and the audit
	// log's); left out when not valid.
	Client   netip.Addr
	Method   string
	Path     string // without the query: preview tokens travel in it
	Route    string
	Status   int
	Duration time.Duration
	Bytes    int
}

// accessLogger is a handler that writes the access line itself, without
// an slog.Record: a TextHandler, and the wrappers of this package around
// one. ok false: the caller logs the line as a record.
type accessLogger interface {
	logAccess(ctx context.Context, a Access) (ok bool)
}

// LogAccess logs a on l, whose caller has checked that l is enabled at
// info. A handler made by NewTextHandler (under this package's wrappers)
// encodes the line straight into its writer; any other handler gets the
// same record slog's Logger would make, without the caller's program
// counter (access lines carry no source) or a second clock read.
func LogAccess(ctx context.Context, l *slog.Logger, a Access) {
	h := l.Handler()
	if f, ok := h.(accessLogger); ok && f.logAccess(ctx, a) {
		return
	}
	r := slog.NewRecord(a.Time, slog.LevelInfo, "request", 0)
	// Clones: a handler may keep the record past this call (the strings
	// can be the request's memory).
	r.AddAttrs(slog.String("request_id", strings.Clone(a.RequestID)))
	if a.Client.IsValid() {
		r.AddAttrs(slog.String("client", a.Client.String()))
	}
	r.AddAttrs(slog.String("method", constMethod(a.Method)),
		slog.String("path", strings.Clone(a.Path)), slog.String("route", a.Route), slog.Int("status", a.Status),
		slog.Duration("duration", a.Duration), slog.Int("bytes", a.Bytes))
	_ = h.Handle(ctx, r)
}

// constMethod is m without the request's memory: the standard methods as
// constants, another (rare) as a copy.
func constMethod(m string) string {
	for _, s := range [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		if m == s {
			return s
		}
	}
	return strings.Clone(m)
}

// TextHandler is slog's TextHandler that writes the access log's lines
// itself: the same bytes, encoded into a pooled buffer with no record,
// no attribute values and no reflection, written with one call. Other
// records go through slog's handler. Give it a Writer so that lines are
// written together, not one system call each.
type TextHandler struct {
	*slog.TextHandler
	w     io.Writer // safe for concurrent use (a Writer, or w under a lock)
	level slog.Leveler
	// fast: the options change nothing in the access line (no
	// ReplaceAttr, no source).
	fast bool
}

// NewTextHandler is slog.NewTextHandler(w, opts) with the access log's
// fast path (LogAccess). Records at error level and above flush a Writer
// at once.
func NewTextHandler(w io.Writer, opts *slog.HandlerOptions) *TextHandler {
	if opts == nil {
		opts = &slog.HandlerOptions{}
	}
	if _, ok := w.(*Writer); !ok {
		// slog's handler locks around its writes; the fast path shares
		// the writer, so both go through one lock.
		w = &lockedWriter{w: w}
	}
	level := opts.Level
	if level == nil {
		level = slog.LevelInfo
	}
	return &TextHandler{TextHandler: slog.NewTextHandler(w, opts), w: w, level: level,
		fast: opts.ReplaceAttr == nil && !opts.AddSource}
}

// Handle writes r through slog's handler; an error (or worse) is written
// out at once rather than on the buffer's timer.
func (h *TextHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.TextHandler.Handle(ctx, r)
	if b, ok := h.w.(*Writer); ok && r.Level >= slog.LevelError {
		if ferr := b.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

// WithAttrs and WithGroup turn the fast path off: it writes no
// attributes but the line's own.
func (h *TextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &TextHandler{TextHandler: h.TextHandler.WithAttrs(as).(*slog.TextHandler), w: h.w, level: h.level}
}

func (h *TextHandler) WithGroup(name string) slog.Handler {
	return &TextHandler{TextHandler: h.TextHandler.WithGroup(name).(*slog.TextHandler), w: h.w, level: h.level}
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (h *TextHandler) logAccess(_ context.Context, a Access) bool {
	if !h.fast {
		return false
	}
	if slog.LevelInfo < h.level.Level() {
		return true // the caller checked; the level changed since
	}
	bp := linePool.Get().(*[]byte)
	b := appendAccess((*bp)[:0], &a)
	_, _ = h.w.Write(b)
	if cap(b) <= 4<<10 {
		*bp = b
		linePool.Put(bp)
	}
	return true
}

// appendAccess appends a's line as slog's TextHandler writes the record
// LogAccess makes of it.
func appendAccess(b []byte, a *Access) []byte {
	if !a.Time.IsZero() {
		b = append(b, "time="...)
		b = appendTime(b, a.Time)
		b = append(b, ' ')
	}
	b = append(b, "level=INFO msg=request request_id="...)
	b = appendString(b, a.RequestID)
	if a.Client.IsValid() {
		b = append(b, " client="...)
		b = appendClient(b, a.Client)
	}
	b = append(b, " method="...)
	b = appendString(b, a.Method)
	b = append(b, " path="...)
	b = appendString(b, a.Path)
	b = append(b, " route="...)
	b = appendString(b, a.Route)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(a.Status), 10)
	b = append(b, " duration="...)
	b = append(b, a.Duration.String()...) // inlined: no allocation
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, int64(a.Bytes), 10)
	return append(b, '\n')
}

// appendClient is the text encoding of addr.String(): an IPv6 address
// with a zone may need quoting, the others never do.
func appendClient(b []byte, addr netip.Addr) []byte {
	if addr.Zone() != "" {
		return appendString(b, addr.String())
	}
	return addr.AppendTo(b)
}

// appendString is slog's text encoding of a string value: as is, or
// quoted when it holds spaces, '=', quotes, controls or invalid UTF-8.
func appendString(b []byte, s string) []byte {
	if needsQuoting(s) {
		return strconv.AppendQuote(b, s)
	}
	return append(b, s...)
}

// needsQuoting is log/slog's rule (text_handler.go), eight bytes at a
// time while they are plain ASCII.
func needsQuoting(s string) bool {
	if len(s) == 0 {
		return true
	}
	i := 0
	for ; len(s)-i >= 8; i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if x&hiBits != 0 || hasLess(x, '!') || hasZero(x^(loBits*'=')) || hasZero(x^(loBits*'"')) {
			break // look closer, byte by byte
		}
	}
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			// As JSON would escape it (but a backslash), and space and '='.
			if c != '\\' && (c <= ' ' || c == '=' || c == '"') {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return true
		}
		i += size
	}
	return false
}

const (
	loBits = 0x0101010101010101
	hiBits = 0x8080808080808080
)

// hasLess says whether a byte of x is below n, for x of ASCII bytes and
// n <= 128 (exact for the word, not for which byte).
func hasLess(x uint64, n byte) bool { return (x-loBits*uint64(n))&^x&hiBits != 0 }

// hasZero says whether a byte of x is zero.
func hasZero(x uint64) bool { return (x-loBits)&^x&hiBits != 0 }

// stamp is the formatted time of one second in one location: all but
// the milliseconds of slog's time value.
type stamp struct {
	sec    int64
	loc    *time.Location
	prefix string // 2006-01-02T15:04:05
	zone   string // Z or -07:00
}

var lastStamp atomic.Pointer[stamp]

// appendTime is slog's text encoding of a time (RFC 3339, milliseconds),
// with the second and the zone formatted once a second.
func appendTime(b []byte, t time.Time) []byte {
	s := lastStamp.Load()
	if s == nil || s.sec != t.Unix() || s.loc != t.Location() {
		full := appendRFC3339Millis(nil, t)
		if len(full) < len("2006-01-02T15:04:05.000Z") || full[19] != '.' {
			return append(b, full...) // a year outside 0000-9999
		}
		s = &stamp{sec: t.Unix(), loc: t.Location(), prefix: string(full[:19]), zone: string(full[23:])}
		lastStamp.Store(s)
	}
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, s.prefix...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, s.zone...)
}

// appendRFC3339Millis is log/slog's (handler.go).
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	b = append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
	return b
}

// lockedWriter serialises writes to a writer that may not be safe for
// concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
