package bagit

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"strconv"
	"strings"
)

// The parts of a bag both the writer and the reader know by name.

// DeclarationFile is the bag declaration (RFC 8493 §2.1.1): a directory
// or zip with it at its root is a bag.
const DeclarationFile = "bagit.txt"

const (
	// declaration is the bagit.txt this package writes.
	declaration       = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
	infoFile          = "bag-info.txt"
	fetchFile         = "fetch.txt"
	payloadDir        = "data/"
	manifestPrefix    = "manifest-"
	tagManifestPrefix = "tagmanifest-"
	manifestSuffix    = ".txt"
	// writeAlgorithm is the one manifest algorithm the writer uses; the
	// reader always computes it too, as the payload's identity.
	writeAlgorithm = "sha256"
)

// Labels of bagit.txt and bag-info.txt (RFC 8493 §2.1.1, §2.2.2).
const (
	labelVersion  = "BagIt-Version"
	labelEncoding = "Tag-File-Character-Encoding"
	labelOxum     = "Payload-Oxum"
)

// algorithms are the manifest algorithms read. RFC 8493 §2.4 asks readers
// for sha256 and sha512; md5 and sha1 manifests, still written by older
// tools, are verified too when they come beside one of those.
var algorithms = map[string]func() hash.Hash{"sha256": sha256.New, "sha512": sha512.New, "sha1": sha1.New, "md5": md5.New}

// manifestName is the manifest (prefix manifestPrefix) or tag manifest
// (tagManifestPrefix) of one algorithm.
func manifestName(prefix, alg string) string { return prefix + alg + manifestSuffix }

// pathEscapes are the characters a manifest line cannot hold raw, with
// their percent-encoding (RFC 8493 §2.1.3).
var pathEscapes = [][2]string{{"%", "%25"}, {"\r", "%0D"}, {"\n", "%0A"}}

var pathEncoder, pathDecoder = pathReplacers()

// pathReplacers builds the encoder the writer uses and the decoder the
// reader uses (which takes lower-case hex digits too) from pathEscapes.
func pathReplacers() (enc, dec *strings.Replacer) {
	var e, d []string
	for _, p := range pathEscapes {
		e = append(e, p[0], p[1])
		d = append(d, p[1], p[0])
		if lower := strings.ToLower(p[1]); lower != p[1] {
			d = append(d, lower, p[0])
		}
	}
	return strings.NewReplacer(e...), strings.NewReplacer(d...)
}

// validPath reports whether p may name a file in a bag: relative,
// slash-separated, without "." or ".." elements (so never outside it).
func validPath(p string) bool { return p != "." && fs.ValidPath(p) }

// appendManifestLine adds "<checksum>  <path>" (RFC 8493 §2.1.3).
func appendManifestLine(b *strings.Builder, sum, p string) {
	fmt.Fprintf(b, "%s  %s\n", sum, pathEncoder.Replace(p))
}

// parseManifestLine splits a manifest line at the first space (more
// spaces or tabs may follow) and decodes its path.
func parseManifestLine(line string) (sum, p string, ok bool) {
	sum, p, ok = strings.Cut(line, " ")
	return sum, pathDecoder.Replace(strings.TrimLeft(p, " \t")), ok
}

// appendTag adds a "Label: value" line (RFC 8493 §2.2.2), the value on one
// line; an empty value is left out.
func appendTag(b *strings.Builder, label, value string) {
	if value != "" {
		fmt.Fprintf(b, "%s: %s\n", label, strings.ReplaceAll(value, "\n", " "))
	}
}

// parseTags reads "Label: value" lines (RFC 8493 §2.2.2); continuation
// lines (leading whitespace) extend the value before them. The first of
// a repeated label is kept.
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

// oxum is a Payload-Oxum (RFC 8493 §2.2.2): the payload's bytes and files.
type oxum struct {
	octets int64
	files  int
}

func (o oxum) String() string { return fmt.Sprintf("%d.%d", o.octets, o.files) }

func parseOxum(s string) (oxum, bool) {
	octets, count, ok := strings.Cut(s, ".")
	o, err1 := strconv.ParseInt(octets, 10, 64)
	c, err2 := strconv.Atoi(count)
	return oxum{o, c}, ok && err1 == nil && err2 == nil
}

// HashFile reads the file name of fsys once through SHA-256 and every
// other manifest algorithm in algs (sha256, sha512, sha1, md5) and
// returns the lower-case hex checksums by algorithm and the bytes read
// (also when reading fails part-way).
func HashFile(fsys fs.FS, name string, algs ...string) (map[string]string, int64, error) {
	hs := map[string]hash.Hash{writeAlgorithm: algorithms[writeAlgorithm]()}
	for _, alg := range algs {
		if algorithms[alg] == nil {
			return nil, 0, fmt.Errorf("bagit: algorithm %q is not supported", alg)
		}
		if hs[alg] == nil {
			hs[alg] = algorithms[alg]()
		}
	}
	ws := make([]io.Writer, 0, len(hs))
	for _, h := range hs {
		ws = append(ws, h)
	}
	f, err := fsys.Open(name)
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
