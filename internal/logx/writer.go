package logx

import (
	"io"
	"sync"
	"time"
)

// FlushEvery is how long a log line may wait in a Writer's buffer.
const FlushEvery = 100 * time.Millisecond

// flushSize is the buffered bytes that make a Writer write at once (a few
// hundred access-log lines).
const flushSize = 32 << 10

// Writer gathers log lines for a destination where every write is a system
// call (stderr to a file or a pipe): one write per request under load
// costs more than the rest of the access log, and serialises requests on
// the file. Lines are written, whole and in order, at most FlushEvery
// after the first of them was buffered, as soon as flushSize bytes are
// waiting, at Flush and at Close; after Close every line is written
// through. Safe for concurrent use; each Write call is kept as one piece.
type Writer struct {
	w     io.Writer
	every time.Duration

	mu     sync.Mutex // guards buf, timer, armed, closed
	buf    []byte
	timer  *time.Timer
	armed  bool
	closed bool

	// out orders the writes to w: a flush takes the buffer under mu and
	// writes it under out, so lines keep coming in while it writes.
	out   sync.Mutex
	spare []byte // the buffer written last, reused (under out)
}

// NewWriter buffers writes to w; every is the longest a line waits
// (FlushEvery when zero).
func NewWriter(w io.Writer, every time.Duration) *Writer {
	if every <= 0 {
		every = FlushEvery
	}
	b := &Writer{w: w, every: every, buf: make([]byte, 0, 2*flushSize), spare: make([]byte, 0, 2*flushSize)}
	b.timer = time.AfterFunc(time.Hour, func() { _ = b.Flush() })
	b.timer.Stop()
	return b
}

// Write buffers p (written through once closed). It reports the error of
// the write it made, if any; a failed write on the timer is not reported
// (there is no one to tell).
func (b *Writer) Write(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		b.out.Lock()
		defer b.out.Unlock()
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	full := len(b.buf) >= flushSize
	if !full && !b.armed {
		b.armed = true
		b.timer.Reset(b.every)
	}
	b.mu.Unlock()
	if full {
		if err := b.Flush(); err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}

// Flush writes what is buffered.
func (b *Writer) Flush() (err error) {
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	buf := b.buf
	b.buf = b.spare[:0]
	if b.armed {
		b.armed = false
		b.timer.Stop()
	}
	b.mu.Unlock()
	if len(buf) > 0 {
		_, err = b.w.Write(buf)
	}
	if cap(buf) > 4*flushSize { // after a huge line: do not keep its memory
		buf = make([]byte, 0, 2*flushSize)
	}
	b.spare = buf[:0]
	return err
}

// Close writes what is buffered; later lines are written through. It does
// not close the destination (stderr outlives the logger).
func (b *Writer) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return b.Flush()
}

// Direct is a writer to the same destination for what is not a log line
// (a command's report, a progress bar): each write first writes the lines
// buffered before it, then p, under the lock the flushes hold, so the
// destination sees one writer at a time (a bytes.Buffer in tests, a
// terminal in order) and the report never overtakes a line logged before.
func (b *Writer) Direct() io.Writer { return direct{b} }

type direct struct{ b *Writer }

func (d direct) Write(p []byte) (int, error) {
	b := d.b
	b.out.Lock()
	defer b.out.Unlock()
	b.mu.Lock()
	buf := b.buf
	b.buf = b.spare[:0]
	if b.armed {
		b.armed = false
		b.timer.Stop()
	}
	b.mu.Unlock()
	if len(buf) > 0 {
		if _, err := b.w.Write(buf); err != nil {
			return 0, err
		}
	}
	b.spare = buf[:0]
	return b.w.Write(p)
}

// Destination is the writer under d (a terminal check looks at it).
func (d direct) Destination() io.Writer { return d.b.w }
