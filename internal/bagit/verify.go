package bagit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// File is one payload file of a bag.
type File struct {
	// Path is relative to the bag's base directory: data/….
	Path string
	Size int64
	// SHA256 is the file's checksum as measured (by the reader) or as
	// written (by the writer), lower-case hex.
	SHA256 string
}

// Problem is one reason a bag is refused: the file it concerns (empty
// for the bag as a whole) and what is wrong with it.
type Problem struct {
	File   string
	Reason string
}

// String is "file: reason", or the reason alone.
func (p Problem) String() string { return strings.TrimPrefix(p.File+": "+p.Reason, ": ") }

// Error refuses a bag, naming every problem found (sorted by file): each
// file missing, altered or not listed, each line of a manifest that does
// not parse or names a path outside the bag, a Payload-Oxum that does
// not add up.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return "bagit: the bag does not verify: " + strings.Join(parts, "; ")
}

// ErrUnreadable is returned (wrapped, with the cause) when the payload
// cannot even be listed: a damaged zip, a failing disk.
var ErrUnreadable = errors.New("the bag cannot be listed")

// Options are Verify's hooks; every one may be nil.
type Options struct {
	// Listed is told the payload files (Path and Size) before any of
	// them is hashed.
	Listed func(payload []File)
	// Hashed is told the bytes read of each payload file once it is
	// hashed; it may be called from several goroutines at once.
	Hashed func(n int64)
	// Parallel runs fn(0) … fn(n-1), on as many goroutines as it likes,
	// stops handing out calls once ctx is done and then returns ctx's
	// error. Nil runs them one after the other.
	Parallel func(ctx context.Context, n int, fn func(i int)) error
}

// Verify checks the bag rooted at fsys's root completely (RFC 8493 §3):
// bagit.txt, every payload file listed in every payload manifest and
// every listed file present, every checksum, Payload-Oxum, and the tag
// manifests; a bag with a fetch.txt is refused (it is not complete). It
// returns the payload files sorted by path with their SHA-256, or an
// *Error naming every problem, or an error wrapping ErrUnreadable, or
// ctx's error.
func Verify(ctx context.Context, fsys fs.FS, opt Options) ([]File, error) {
	if opt.Parallel == nil {
		opt.Parallel = inTurn
	}
	b := &check{fsys: fsys}
	b.checkDeclaration()
	if b.checkKinds() {
		return nil, &Error{Problems: b.problems} // nothing behind a link is read
	}
	if _, err := fs.Stat(fsys, fetchFile); err == nil {
		b.add(fetchFile, "bags with files to fetch are not accepted; complete the bag first")
	}
	payload, err := b.listPayload()
	if err != nil {
		return nil, err
	}
	manifests := b.readManifests(manifestPrefix, true)
	tags := b.readManifests(tagManifestPrefix, false)
	b.checkListed(manifests, payload)
	files := make([]File, 0, len(payload))
	for p, size := range payload {
		files = append(files, File{Path: p, Size: size})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	b.checkOxum(files)
	if opt.Listed != nil {
		opt.Listed(files)
	}
	if err := b.hashAll(ctx, files, manifests, opt); err != nil {
		return nil, err
	}
	if !b.over {
		b.checkTags(ctx, tags)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(b.problems) > 0 {
		sort.SliceStable(b.problems, func(i, j int) bool { return b.problems[i].File < b.problems[j].File })
		return nil, &Error{Problems: b.problems}
	}
	return files, nil
}

func inTurn(ctx context.Context, n int, fn func(i int)) error {
	for i := 0; i < n && ctx.Err() == nil; i++ {
		fn(i)
	}
	return ctx.Err()
}

// manifest is one manifest file: path → checksum.
type manifest struct {
	file string
	alg  string
	sums map[string]string
}

// check collects the problems of one bag.
type check struct {
	fsys     fs.FS
	problems []Problem
	// over: the bag expanded past Limits.MaxExpandedBytes (said once).
	over bool
}

func (b *check) add(file, format string, args ...any) {
	b.problems = append(b.problems, Problem{File: file, Reason: fmt.Sprintf(format, args...)})
}

// checkDeclaration reads bagit.txt (RFC 8493 §2.1.1).
func (b *check) checkDeclaration() {
	raw, err := fs.ReadFile(b.fsys, DeclarationFile)
	if errors.Is(err, fs.ErrNotExist) {
		b.add(DeclarationFile, "is missing")
		return
	} else if err != nil {
		b.readFailed(DeclarationFile, err)
		return
	}
	tags := parseTags(raw)
	if v := tags[labelVersion]; v == "" {
		b.add(DeclarationFile, "has no %s", labelVersion)
	}
	if enc := tags[labelEncoding]; !strings.EqualFold(enc, "UTF-8") {
		b.add(DeclarationFile, "%s is %q; only UTF-8 is read", labelEncoding, enc)
	}
}

// checkKinds names every entry of the bag that is neither a directory nor
// a regular file, and reports whether there was one. A symbolic link may
// lead out of the bag (data -> /home/someone), and os.DirFS follows it;
// a named pipe would block a read for ever. Links inside the bag are
// refused too: a bag holds its files itself (RFC 8493 has no links).
func (b *check) checkKinds() bool {
	found := false
	_ = fs.WalkDir(b.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || p == "." || d.IsDir() || d.Type().IsRegular():
			// What cannot be listed is reported by the checks that read it.
		case d.Type()&fs.ModeSymlink != 0:
			b.add(p, "is a symbolic link; a bag must hold its files itself (copy them in)")
			found = true
		default:
			b.add(p, "is not a regular file")
			found = true
		}
		return nil
	})
	return found
}

// listPayload returns every file under data/ with its size.
func (b *check) listPayload() (map[string]int64, error) {
	out := map[string]int64{}
	dir := strings.TrimSuffix(payloadDir, "/")
	if st, err := fs.Stat(b.fsys, dir); err != nil || !st.IsDir() {
		b.add(payloadDir, "the payload directory is missing")
		return out, nil
	}
	err := fs.WalkDir(b.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			b.add(p, "is not a regular file")
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[p] = info.Size()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	return out, nil
}

// readManifests reads every <prefix><alg>.txt. Payload manifests are
// required (at least one of sha256, sha512).
func (b *check) readManifests(prefix string, required bool) []manifest {
	entries, _ := fs.ReadDir(b.fsys, ".")
	var out []manifest
	strong := false
	for _, e := range entries {
		name := e.Name()
		alg, ok := strings.CutPrefix(name, prefix)
		if !ok || !strings.HasSuffix(alg, manifestSuffix) || e.IsDir() {
			continue
		}
		alg = strings.TrimSuffix(alg, manifestSuffix)
		if algorithms[alg] == nil {
			b.add(name, "algorithm %q is not supported (use sha256 or sha512)", alg)
			continue
		}
		strong = strong || alg == "sha256" || alg == "sha512"
		raw, err := fs.ReadFile(b.fsys, name)
		if err != nil {
			b.readFailed(name, err)
			continue
		}
		out = append(out, b.parseManifest(name, alg, raw))
	}
	if required && !strong {
		b.add(manifestName(prefix, writeAlgorithm), "is missing: a bag needs %s or %s",
			manifestName(prefix, "sha256"), manifestName(prefix, "sha512"))
	}
	return out
}

func (b *check) parseManifest(name, alg string, raw []byte) manifest {
	m := manifest{file: name, alg: alg, sums: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, p, ok := parseManifestLine(line)
		if !ok || p == "" || len(sum) != hex.EncodedLen(algorithms[alg]().Size()) {
			b.add(name, "line %d is not \"<checksum> <path>\"", n)
			continue
		}
		if !fs.ValidPath(p) {
			b.add(name, "line %d names %q, a path outside the bag", n, p)
			continue
		}
		if _, dup := m.sums[p]; dup {
			b.add(name, "lists %s twice", p)
			continue
		}
		m.sums[p] = strings.ToLower(sum)
	}
	return m
}

// checkListed compares the manifests with the payload: every payload file
// in every manifest, no manifest entry without its file.
func (b *check) checkListed(manifests []manifest, payload map[string]int64) {
	for _, m := range manifests {
		for p := range m.sums {
			if !strings.HasPrefix(p, payloadDir) {
				b.add(m.file, "lists %s, which is not under %s", p, payloadDir)
				continue
			}
			if _, ok := payload[p]; !ok {
				b.add(p, "is listed in %s but missing", m.file)
			}
		}
		for p := range payload {
			if _, ok := m.sums[p]; !ok {
				b.add(p, "is not listed in %s", m.file)
			}
		}
	}
}

// checkOxum compares bag-info.txt's Payload-Oxum with the payload.
func (b *check) checkOxum(files []File) {
	raw, err := fs.ReadFile(b.fsys, infoFile)
	if err != nil {
		return // bag-info.txt is optional
	}
	said := parseTags(raw)[labelOxum]
	if said == "" {
		return
	}
	has := oxum{files: len(files)}
	for _, f := range files {
		has.octets += f.Size
	}
	o, ok := parseOxum(said)
	switch {
	case !ok:
		b.add(infoFile, "%s %q is not <octets>.<files>", labelOxum, said)
	case o != has:
		b.add(infoFile, "%s says %d bytes in %d files; the payload has %d bytes in %d files", labelOxum, o.octets, o.files, has.octets, has.files)
	}
}

// hashAll hashes every payload file once with every manifest's algorithm
// (and SHA-256 always) and compares.
func (b *check) hashAll(ctx context.Context, files []File, manifests []manifest, opt Options) error {
	algs := make([]string, len(manifests))
	for i, m := range manifests {
		algs[i] = m.alg
	}
	var mu sync.Mutex
	return opt.Parallel(ctx, len(files), func(i int) {
		mu.Lock()
		over := b.over
		mu.Unlock()
		if over {
			return // the bag is refused whole; reading on would only spend time
		}
		f := &files[i]
		sums, n, err := HashFile(b.fsys, f.Path, algs...)
		if opt.Hashed != nil {
			opt.Hashed(n)
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			b.readFailed(f.Path, err)
			return
		}
		f.SHA256 = sums[writeAlgorithm]
		for _, m := range manifests {
			if want, ok := m.sums[f.Path]; ok && want != sums[m.alg] {
				b.mismatch(f.Path, m)
			}
		}
	})
}

func (b *check) mismatch(p string, m manifest) {
	b.add(p, "does not match its %s checksum in %s: altered or damaged", m.alg, m.file)
}

// checkTags verifies the tag manifests (bag-info.txt, the manifests, any
// other tag file): a bag whose description was altered is refused too.
func (b *check) checkTags(ctx context.Context, tags []manifest) {
	for _, m := range tags {
		for p, want := range m.sums {
			if ctx.Err() != nil {
				return
			}
			if strings.HasPrefix(p, payloadDir) {
				b.add(m.file, "lists payload file %s", p)
				continue
			}
			sums, _, err := HashFile(b.fsys, p, m.alg)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				b.add(p, "is listed in %s but missing", m.file)
			case err != nil:
				b.readFailed(p, err)
			case sums[m.alg] != want:
				b.mismatch(p, m)
			}
		}
	}
}
