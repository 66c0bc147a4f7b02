package bulk

import (
	"bufio"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/jesenice/twincms/models"
)

// BagError refuses a bag as a whole, naming every file that is missing,
// altered or not listed, before anything of it is stored.
type BagError struct {
	Problems []models.IngestError
}

func (e *BagError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, strings.TrimPrefix(p.File+": "+p.Reason, ": "))
	}
	return fmt.Sprintf("%v: the bag is refused, nothing was stored: %s", models.ErrInvalid, strings.Join(parts, "; "))
}

// Unwrap makes a refused bag invalid input (422 over HTTP).
func (e *BagError) Unwrap() error { return models.ErrInvalid }

// algorithms are the manifest algorithms checked. RFC 8493 §2.4 asks
// readers for sha256 and sha512; md5 and sha1 manifests, still written by
// older tools, are verified too when they come beside one of those.
var algorithms = map[string]func() hash.Hash{"sha256": sha256.New, "sha512": sha512.New, "sha1": sha1.New, "md5": md5.New}

// manifest is one manifest file: path → checksum.
type manifest struct {
	file string
	alg  string
	sums map[string]string
}

// bagCheck collects the problems of one bag.
type bagCheck struct {
	fsys     fs.FS
	problems []models.IngestError
}

func (b *bagCheck) add(file, format string, args ...any) {
	b.problems = append(b.problems, models.IngestError{File: file, Reason: fmt.Sprintf(format, args...)})
}

// verifyBag checks a bag completely (RFC 8493 §3): bagit.txt, every
// payload file listed in every payload manifest and every listed file
// present, every checksum, Payload-Oxum, and the tag manifests. It
// returns the payload files with their SHA-256, or a *BagError naming
// every problem. Files are hashed by workers goroutines, counted in t.
func verifyBag(ctx context.Context, fsys fs.FS, workers int, t *tally) ([]File, error) {
	b := &bagCheck{fsys: fsys}
	b.checkDeclaration()
	if _, err := fs.Stat(fsys, "fetch.txt"); err == nil {
		b.add("fetch.txt", "bags with files to fetch are not accepted; complete the bag first")
	}
	payload, err := b.listPayload()
	if err != nil {
		return nil, err
	}
	manifests := b.readManifests("manifest-", true)
	tags := b.readManifests("tagmanifest-", false)
	b.checkListed(manifests, payload)
	files := make([]File, 0, len(payload))
	for p, size := range payload {
		files = append(files, File{Path: p, Size: size})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	b.checkOxum(files)
	t.begin(PhaseVerifying, files)
	if err := b.hashAll(ctx, files, manifests, workers, t); err != nil {
		return nil, err
	}
	b.checkTags(ctx, tags)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(b.problems) > 0 {
		sort.SliceStable(b.problems, func(i, j int) bool { return b.problems[i].File < b.problems[j].File })
		return nil, &BagError{Problems: b.problems}
	}
	for i := range files {
		files[i].Path = strings.TrimPrefix(files[i].Path, "data/")
	}
	return files, nil
}

// checkDeclaration reads bagit.txt (RFC 8493 §2.1.1).
func (b *bagCheck) checkDeclaration() {
	raw, err := fs.ReadFile(b.fsys, "bagit.txt")
	if err != nil {
		b.add("bagit.txt", "is missing")
		return
	}
	tags := parseTags(raw)
	if v := tags["BagIt-Version"]; v == "" {
		b.add("bagit.txt", "has no BagIt-Version")
	}
	if enc := tags["Tag-File-Character-Encoding"]; !strings.EqualFold(enc, "UTF-8") {
		b.add("bagit.txt", "Tag-File-Character-Encoding is %q; only UTF-8 is read", enc)
	}
}

// listPayload returns every file under data/ with its size.
func (b *bagCheck) listPayload() (map[string]int64, error) {
	out := map[string]int64{}
	if st, err := fs.Stat(b.fsys, "data"); err != nil || !st.IsDir() {
		b.add("data/", "the payload directory is missing")
		return out, nil
	}
	err := fs.WalkDir(b.fsys, "data", func(p string, d fs.DirEntry, err error) error {
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
		return nil, fmt.Errorf("%w: the bag cannot be listed: %v", models.ErrInvalid, err)
	}
	return out, nil
}

// readManifests reads every <prefix><alg>.txt. Payload manifests are
// required (at least one of sha256, sha512).
func (b *bagCheck) readManifests(prefix string, required bool) []manifest {
	entries, _ := fs.ReadDir(b.fsys, ".")
	var out []manifest
	strong := false
	for _, e := range entries {
		name := e.Name()
		alg, ok := strings.CutPrefix(name, prefix)
		if !ok || !strings.HasSuffix(alg, ".txt") || e.IsDir() {
			continue
		}
		alg = strings.TrimSuffix(alg, ".txt")
		if algorithms[alg] == nil {
			b.add(name, "algorithm %q is not supported (use sha256 or sha512)", alg)
			continue
		}
		strong = strong || alg == "sha256" || alg == "sha512"
		raw, err := fs.ReadFile(b.fsys, name)
		if err != nil {
			b.add(name, "cannot be read")
			continue
		}
		out = append(out, b.parseManifest(name, alg, raw))
	}
	if required && !strong {
		b.add("manifest-sha256.txt", "is missing: a bag needs manifest-sha256.txt or manifest-sha512.txt")
	}
	return out
}

func (b *bagCheck) parseManifest(name, alg string, raw []byte) manifest {
	m := manifest{file: name, alg: alg, sums: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		sum, p, ok := strings.Cut(line, " ")
		p = decodePath(strings.TrimLeft(p, " \t"))
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

// decodePath undoes the percent-encoding of manifest paths (RFC 8493 §2.1.3).
func decodePath(p string) string {
	return strings.NewReplacer("%0A", "\n", "%0a", "\n", "%0D", "\r", "%0d", "\r", "%25", "%").Replace(p)
}

// checkListed compares the manifests with the payload: every payload file
// in every manifest, no manifest entry without its file.
func (b *bagCheck) checkListed(manifests []manifest, payload map[string]int64) {
	for _, m := range manifests {
		for p := range m.sums {
			if !strings.HasPrefix(p, "data/") {
				b.add(m.file, "lists %s, which is not under data/", p)
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
func (b *bagCheck) checkOxum(files []File) {
	raw, err := fs.ReadFile(b.fsys, "bag-info.txt")
	if err != nil {
		return // bag-info.txt is optional
	}
	oxum := parseTags(raw)["Payload-Oxum"]
	if oxum == "" {
		return
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	octets, count, ok := strings.Cut(oxum, ".")
	o, err1 := strconv.ParseInt(octets, 10, 64)
	c, err2 := strconv.Atoi(count)
	switch {
	case !ok || err1 != nil || err2 != nil:
		b.add("bag-info.txt", "Payload-Oxum %q is not <octets>.<files>", oxum)
	case o != total || c != len(files):
		b.add("bag-info.txt", "Payload-Oxum says %d bytes in %d files; the payload has %d bytes in %d files", o, c, total, len(files))
	}
}

// hashAll hashes every payload file once with every manifest's algorithm
// (and SHA-256 always, for the duplicate check) and compares.
func (b *bagCheck) hashAll(ctx context.Context, files []File, manifests []manifest, workers int, t *tally) error {
	var mu sync.Mutex
	return forEach(ctx, len(files), workers, func(i int) {
		f := &files[i]
		sums, n, err := hashFile(b.fsys, f.Path, manifests)
		t.hashed(n)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			b.add(f.Path, "cannot be read")
			return
		}
		f.SHA256 = sums["sha256"]
		for _, m := range manifests {
			if want, ok := m.sums[f.Path]; ok && want != sums[m.alg] {
				b.add(f.Path, "does not match its %s checksum in %s: altered or damaged", m.alg, m.file)
			}
		}
	})
}

// hashFile reads p once through every needed hash.
func hashFile(fsys fs.FS, p string, manifests []manifest) (map[string]string, int64, error) {
	hs := map[string]hash.Hash{"sha256": sha256.New()}
	for _, m := range manifests {
		if hs[m.alg] == nil {
			hs[m.alg] = algorithms[m.alg]()
		}
	}
	ws := make([]io.Writer, 0, len(hs))
	for _, h := range hs {
		ws = append(ws, h)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	n, err := io.Copy(io.MultiWriter(ws...), f)
	if err != nil {
		return nil, n, err
	}
	out := make(map[string]string, len(hs))
	for alg, h := range hs {
		out[alg] = hex.EncodeToString(h.Sum(nil))
	}
	return out, n, nil
}

// checkTags verifies the tag manifests (bag-info.txt, the manifests, our
// metadata/*.json): a bag whose description was altered is refused too.
func (b *bagCheck) checkTags(ctx context.Context, tags []manifest) {
	for _, m := range tags {
		for p, want := range m.sums {
			if ctx.Err() != nil {
				return
			}
			if strings.HasPrefix(p, "data/") {
				b.add(m.file, "lists payload file %s", p)
				continue
			}
			sums, _, err := hashFile(b.fsys, p, []manifest{m})
			switch {
			case err != nil:
				b.add(p, "is listed in %s but missing", m.file)
			case sums[m.alg] != want:
				b.add(p, "does not match its %s checksum in %s: altered or damaged", m.alg, m.file)
			}
		}
	}
}

// parseTags reads "Label: value" lines (RFC 8493 §2.2.2); continuation
// lines (leading whitespace) extend the value before them.
func parseTags(raw []byte) map[string]string {
	out := map[string]string{}
	last := ""
	for _, line := range strings.Split(strings.TrimPrefix(string(raw), "\ufeff"), "\n") {
		line = strings.TrimRight(line, "\r")
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && last != "" {
			out[last] += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = strings.TrimSpace(k)
		if _, seen := out[last]; !seen {
			out[last] = strings.TrimSpace(v)
		}
	}
	return out
}
