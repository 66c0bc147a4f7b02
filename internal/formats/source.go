package formats

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// errBudget: the identification's time budget ran out.
var errBudget = errors.New("format identification took longer than its budget")

// window is how much one read of the store fetches: the signatures of
// most formats lie in a file's first and last few KiB, so a small file
// costs one or two range reads. Some (PDF, whose PDF/A and PDF/X
// variants are told apart by markers anywhere in the file) make
// siegfried scan the whole file: it is then read once, window by
// window.
const window = 256 << 10

// maxWindows bounds what one identification holds (2 MiB), whatever the
// file's size.
const maxWindows = 8

// source is siegfried's "external" buffer source (IsSlicer, Slice,
// EofSlice, Size) over an io.ReaderAt: the stored object read by ranges
// through a small window cache. Slices are fresh copies, since
// siegfried's matchers may hold one while asking for another.
type source struct {
	ctx  context.Context
	r    io.ReaderAt
	size int64
	// until, when set, ends the reading: a window that would be read
	// after it fails with errBudget instead. A budget is never a context
	// deadline, which would cut a read short and be taken for a store
	// that hangs (the object store's breaker would open for everyone).
	until time.Time

	mu    sync.Mutex
	wins  map[int64][]byte // window start → its bytes
	err   error            // the first read failure (the store's)
	pos   int64            // Read's position
	reads int              // range reads made
	most  int              // the most windows held at once
}

func (s *source) IsSlicer() bool { return true }
func (s *source) Size() int64    { return s.size }

// Read reads on from the last Read (siegfried slices a slicer; Read
// makes it an io.Reader).
func (s *source) Read(p []byte) (int, error) {
	b, err := s.Slice(s.pos, len(p))
	n := copy(p, b)
	s.pos += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// Slice returns l bytes from off, fewer with io.EOF at the end.
func (s *source) Slice(off int64, l int) ([]byte, error) {
	if off < 0 || off >= s.size {
		return nil, io.EOF
	}
	var eof error
	if int64(l) > s.size-off {
		l, eof = int(s.size-off), io.EOF
	}
	out := make([]byte, l)
	if err := s.copyAt(out, off); err != nil {
		return nil, err
	}
	return out, eof
}

// EofSlice returns l bytes ending off bytes before the end.
func (s *source) EofSlice(off int64, l int) ([]byte, error) {
	if off < 0 || off >= s.size {
		return nil, io.EOF
	}
	var eof error
	start := s.size - off - int64(l)
	if start < 0 {
		l, start, eof = int(s.size-off), 0, io.EOF
	}
	out := make([]byte, l)
	if err := s.copyAt(out, start); err != nil {
		return nil, err
	}
	return out, eof
}

// copyAt fills p from off, window by window.
func (s *source) copyAt(p []byte, off int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(p) > 0 {
		start := off / window * window
		w, err := s.windowAt(start)
		if err != nil {
			return err
		}
		n := copy(p, w[off-start:])
		if n == 0 {
			return io.ErrUnexpectedEOF
		}
		p, off = p[n:], off+int64(n)
	}
	return nil
}

func (s *source) windowAt(start int64) ([]byte, error) {
	if w, ok := s.wins[start]; ok {
		return w, nil
	}
	if s.err != nil {
		return nil, s.err
	}
	if err := s.ctx.Err(); err != nil {
		s.err = err
		return nil, err
	}
	if !s.until.IsZero() && time.Now().After(s.until) {
		s.err = errBudget
		return nil, errBudget
	}
	s.reads++
	w := make([]byte, min(window, s.size-start))
	if n, err := s.r.ReadAt(w, start); n < len(w) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		s.err = err
		return nil, err
	}
	if s.wins == nil || len(s.wins) >= maxWindows {
		s.wins = map[int64][]byte{}
	}
	s.wins[start] = w
	s.most = max(s.most, len(s.wins))
	return w, nil
}
