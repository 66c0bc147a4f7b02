package bagit

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// Reading a zipped bag sent by someone else: every entry name is checked
// before anything is read (the zip package's own file system quietly
// rewrites "../../data/x.pdf" to "data/x.pdf", so a bag could smuggle
// files in under names it never showed), and every byte an entry expands
// to is counted as the decompressor produces it (a zip's headers are the
// sender's word: a 149 KB zip may say anything and expand to terabytes).

// Limits bound what a zipped bag may expand to while it is read.
type Limits struct {
	// MaxExpandedBytes bounds the bytes all entries together expand to;
	// 0 is DefaultMaxExpandedBytes.
	MaxExpandedBytes int64
	// MaxRatio bounds each entry's expanded size over its compressed
	// size; 0 is DefaultMaxRatio. An entry may always expand to
	// RatioFloor, whatever its ratio.
	MaxRatio int
}

// Defaults of Limits, the configuration's defaults too: a bag is at most
// 4 GiB zipped, and scans (PDF, JPEG, TIFF, PNG) barely compress, so 16
// GiB and 100 times leave room for any real bag, text files included.
const (
	DefaultMaxExpandedBytes = 16 << 30
	DefaultMaxRatio         = 100
	// RatioFloor: a small tag file of repeated lines may compress far
	// beyond any ratio and is harmless; the ratio is applied above it.
	RatioFloor = 1 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxExpandedBytes <= 0 {
		l.MaxExpandedBytes = DefaultMaxExpandedBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = DefaultMaxRatio
	}
	return l
}

// LimitError is a read refused by Limits: one entry over the ratio, or
// the bag as a whole (Entry "") over the expanded total.
type LimitError struct {
	Entry  string
	Reason string
}

func (e *LimitError) Error() string { return strings.TrimPrefix(e.Entry+": "+e.Reason, ": ") }

// EntryError is an entry that cannot be read (damaged data, an unknown
// compression method), in our words: the zip and flate packages' own
// texts ("flate: corrupt input before offset 9") go to no report.
type EntryError struct {
	Entry  string
	Reason string
	cause  error
}

func (e *EntryError) Error() string { return e.Entry + ": " + e.Reason }

// Unwrap keeps the cause for the log.
func (e *EntryError) Unwrap() error { return e.cause }

// ZipNameProblem says why name cannot be an entry of a zipped bag, or ""
// when it can: a relative slash-separated path inside the bag (a trailing
// "/" marks a directory) without "." or ".." elements, empty elements,
// backslashes, NUL bytes or a leading drive letter ("C:"). Such a name
// means the same on every system that unpacks the zip, and is the same
// name the bag's manifests must use.
func ZipNameProblem(name string) string {
	p := strings.TrimSuffix(name, "/")
	switch {
	case p == "":
		return "has an empty name"
	case strings.HasPrefix(name, "/"):
		return "has an absolute path"
	case strings.ContainsRune(name, '\\'):
		return "has a backslash in its path (paths in a zip are separated by /)"
	case strings.ContainsRune(name, 0):
		return "has a NUL byte in its name"
	case len(p) >= 2 && p[1] == ':' && ('a' <= p[0]|0x20 && p[0]|0x20 <= 'z'):
		return "starts with a drive letter"
	case !validPath(p):
		return "has a path that leaves the bag or is not clean (., .. or empty elements)"
	}
	return ""
}

// OpenZip checks every entry of z before anything is read, and returns a
// file system over it that counts what each entry expands to against lim
// (z is size bytes long). Refused: a name ZipNameProblem refuses, two
// entries of one name, a name both a file and a folder, an entry that is
// neither a file nor a folder (a symbolic link): an *Error naming every
// such entry. Reads over lim fail with a *LimitError, damaged entries
// with an *EntryError.
func OpenZip(z *zip.Reader, size int64, lim Limits) (fs.FS, error) {
	c := &check{}
	files := map[string]*zip.File{}
	seen := map[string]bool{}
	for _, f := range z.File {
		if why := ZipNameProblem(f.Name); why != "" {
			c.add(f.Name, "%s", why)
			continue
		}
		name, dir := strings.TrimSuffix(f.Name, "/"), strings.HasSuffix(f.Name, "/")
		switch {
		case seen[name]:
			c.add(name, "the zip holds two entries of this name")
			continue
		case !dir && !f.Mode().IsRegular():
			c.add(name, "is not a regular file (a symbolic link or a device); a bag must hold its files itself")
		}
		seen[name] = true
		if !dir {
			files[name] = f
		}
	}
	for name := range seen {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if files[d] != nil {
				c.add(d, "is both a file and a folder in the zip")
			}
		}
	}
	if len(c.problems) > 0 {
		sort.SliceStable(c.problems, func(i, j int) bool { return c.problems[i].File < c.problems[j].File })
		return nil, &Error{Problems: dedupe(c.problems)}
	}
	return &zipFS{z: z, files: files, size: size, lim: lim.withDefaults(), seen: map[*zip.File]int64{}}, nil
}

// dedupe drops repeated problems from a sorted list.
func dedupe(ps []Problem) []Problem {
	out := ps[:0]
	for i, p := range ps {
		if i == 0 || p != ps[i-1] {
			out = append(out, p)
		}
	}
	return out
}

// zipFS is a checked zip: files are opened through their headers (never
// through the zip package's rewritten names), directories through the zip
// package; every read is counted.
type zipFS struct {
	z     *zip.Reader
	files map[string]*zip.File
	size  int64
	lim   Limits

	mu    sync.Mutex
	total int64 // the most bytes any read produced, per entry, added up
	seen  map[*zip.File]int64
	over  error // sticky once the total is exceeded
}

func (z *zipFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	f := z.files[name]
	if f == nil {
		return z.z.Open(name) // a directory, or nothing
	}
	if err := z.overErr(); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, readError(name, err)
	}
	compressed := min(int64(f.CompressedSize64), z.size) // the header may lie; the zip may not
	if compressed < 0 {
		compressed = z.size
	}
	return &zipFile{rc: rc, f: f, name: name, fsys: z, allowed: max(compressed*int64(z.lim.MaxRatio), RatioFloor)}, nil
}

// ReadFile reads a whole entry without trusting its header's size (fs.ReadFile
// would allocate what the header claims up front).
func (z *zipFS) ReadFile(name string) ([]byte, error) {
	f, err := z.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func (z *zipFS) overErr() error {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.over
}

// produced records that a read of f has produced n bytes so far. Reading
// an entry again (verification, then ingest) costs nothing more: only
// bytes beyond the most ever produced by f count.
func (z *zipFS) produced(f *zip.File, n int64) error {
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.over != nil {
		return z.over
	}
	if n > z.seen[f] {
		z.total += n - z.seen[f]
		z.seen[f] = n
	}
	if z.total > z.lim.MaxExpandedBytes {
		z.over = &LimitError{Reason: fmt.Sprintf("the bag expands to more than %d bytes, the limit (refused as a possible zip bomb)", z.lim.MaxExpandedBytes)}
	}
	return z.over
}

// zipFile is one entry being read, its expanded bytes counted.
type zipFile struct {
	rc      io.ReadCloser
	f       *zip.File
	name    string
	fsys    *zipFS
	n       int64
	allowed int64
}

func (f *zipFile) Stat() (fs.FileInfo, error) { return f.f.FileInfo(), nil }
func (f *zipFile) Close() error               { return f.rc.Close() }

func (f *zipFile) Read(p []byte) (int, error) {
	n, err := f.rc.Read(p)
	f.n += int64(n)
	if f.n > f.allowed {
		return n, &LimitError{Entry: f.name, Reason: fmt.Sprintf("expands to more than %d times its compressed size, the limit (refused as a possible zip bomb)", f.fsys.lim.MaxRatio)}
	}
	if lerr := f.fsys.produced(f.f, f.n); lerr != nil {
		return n, lerr
	}
	if err != nil && err != io.EOF {
		return n, readError(f.name, err)
	}
	return n, err
}

// readError restates a zip or flate error in our words.
func readError(name string, err error) error {
	switch {
	case errors.Is(err, zip.ErrAlgorithm):
		return &EntryError{Entry: name, Reason: "is compressed with a method this archive does not read (use deflate or none)", cause: err}
	case errors.Is(err, zip.ErrChecksum):
		return &EntryError{Entry: name, Reason: "is damaged: its bytes do not match the zip's CRC-32", cause: err}
	default:
		return &EntryError{Entry: name, Reason: "is damaged: its compressed bytes cannot be read", cause: err}
	}
}

// Root finds the bag in a serialized bag's file system: at its root, or
// (RFC 8493 §4.2) in its one top-level directory.
func Root(fsys fs.FS) (fs.FS, bool) {
	if _, err := fs.Stat(fsys, DeclarationFile); err == nil {
		return fsys, true
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err == nil && len(entries) == 1 && entries[0].IsDir() {
		sub, err := fs.Sub(fsys, entries[0].Name())
		if err == nil {
			if _, err := fs.Stat(sub, DeclarationFile); err == nil {
				return sub, true
			}
		}
	}
	return nil, false
}

// readFailed reports a failed read of file: a bag over its expanded total
// once for the bag, anything else for the file.
func (b *check) readFailed(file string, err error) {
	var le *LimitError
	if errors.As(err, &le) && le.Entry == "" {
		if !b.over {
			b.over = true
			b.add("", "%s", le.Reason)
		}
		return
	}
	b.add(file, "%s", readProblem(err))
}

// readProblem is what a failed read of a bag's file says in a report: a
// limit or damage in our words, else "cannot be read".
func readProblem(err error) string {
	var le *LimitError
	var ee *EntryError
	switch {
	case errors.As(err, &le):
		return le.Reason
	case errors.As(err, &ee):
		return ee.Reason
	}
	return "cannot be read"
}
