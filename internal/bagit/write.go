package bagit

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
)

// ErrPath refuses a file name that would leave the bag, or that names one
// of the files the writer writes itself.
var ErrPath = errors.New("bagit: not a path this bag can hold")

// Info is what bag-info.txt says besides Bagging-Date (the day Finish runs)
// and Payload-Oxum (counted by the Writer): RFC 8493 §2.2.2's reserved
// labels. Empty fields are left out; a line break in a value is a space.
type Info struct {
	SourceOrganization  string
	ExternalIdentifier  string
	ExternalDescription string
	BagSoftwareAgent    string
}

// Writer streams a BagIt 1.0 bag as a zip, every entry under one base
// directory (RFC 8493 §4.2: a serialized bag unpacks into one directory):
// the payload as it is added, then at Finish bagit.txt, bag-info.txt,
// manifest-sha256.txt, the tag files added, and tagmanifest-sha256.txt.
// The payload is hashed while its bytes pass; nothing is written to disk.
// A bag abandoned before Finish is a zip without its central directory,
// which no reader takes for a complete bag.
type Writer struct {
	zw       *zip.Writer
	base     string
	manifest strings.Builder
	payload  oxum
	names    map[string]bool
	tags     []tagFile
}

type tagFile struct {
	name string
	body []byte
}

// NewWriter starts a bag on w under the base directory baseDir ("" puts
// the bag at the zip's root).
func NewWriter(w io.Writer, baseDir string) *Writer {
	base := strings.Trim(baseDir, "/")
	if base != "" {
		base += "/"
	}
	return &Writer{zw: zip.NewWriter(w), base: base, names: map[string]bool{}}
}

// AddPayload streams r into the bag as data/<name>, stored rather than
// deflated (scans and PDFs are compressed already, and storing keeps
// writing as fast as reading), modified at modified. A name already in
// the bag gets " (2)", " (3)" … before its extension. It returns the file
// as the manifest lists it (Path under data/); on a read error, with the
// bytes copied so far. Errors: ErrPath for a name that is no relative
// path inside the bag.
func (w *Writer) AddPayload(name string, modified time.Time, r io.Reader) (File, error) {
	if !validPath(name) {
		return File{}, fmt.Errorf("%w: payload file %q", ErrPath, name)
	}
	p := payloadDir + w.unique(name)
	fw, err := w.zw.CreateHeader(&zip.FileHeader{Name: w.base + p, Method: zip.Store, Modified: modified})
	if err != nil {
		return File{Path: p}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(fw, h), r)
	f := File{Path: p, Size: n}
	if err != nil {
		return f, err
	}
	f.SHA256 = hex.EncodeToString(h.Sum(nil))
	appendManifestLine(&w.manifest, f.SHA256, p)
	w.payload.octets += n
	w.payload.files++
	return f, nil
}

// unique keeps two payload files with one name apart.
func (w *Writer) unique(name string) string {
	candidate := name
	ext := path.Ext(name)
	for i := 2; w.names[candidate]; i++ {
		candidate = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext)
	}
	w.names[candidate] = true
	return candidate
}

// AddTagFile adds a tag file (such as metadata/record.json) that Finish
// writes after the manifest and lists in the tag manifest. body is kept,
// not copied, until then. Errors: ErrPath for a name outside the bag,
// under data/, or of a file the writer writes itself.
func (w *Writer) AddTagFile(name string, body []byte) error {
	if !validPath(name) || strings.HasPrefix(name, payloadDir) || name == DeclarationFile || name == infoFile ||
		name == fetchFile || strings.HasPrefix(name, manifestPrefix) || strings.HasPrefix(name, tagManifestPrefix) {
		return fmt.Errorf("%w: tag file %q", ErrPath, name)
	}
	for _, t := range w.tags {
		if t.name == name {
			return fmt.Errorf("%w: tag file %q is added twice", ErrPath, name)
		}
	}
	w.tags = append(w.tags, tagFile{name, body})
	return nil
}

// Finish writes the tag files with info in bag-info.txt and completes the
// zip. It does not close the io.Writer.
func (w *Writer) Finish(info Info) error {
	var tagManifest strings.Builder
	for _, t := range w.tagFiles(info) {
		if err := w.writeTag(t.name, t.body); err != nil {
			return err
		}
		sum := sha256.Sum256(t.body)
		appendManifestLine(&tagManifest, hex.EncodeToString(sum[:]), t.name)
	}
	if err := w.writeTag(manifestName(tagManifestPrefix, writeAlgorithm), []byte(tagManifest.String())); err != nil {
		return err
	}
	return w.zw.Close()
}

// tagFiles are the declaration, bag-info.txt, the payload manifest and the
// added tag files, in the order they are written.
func (w *Writer) tagFiles(info Info) []tagFile {
	var bagInfo strings.Builder
	appendTag(&bagInfo, "Source-Organization", info.SourceOrganization)
	appendTag(&bagInfo, "External-Identifier", info.ExternalIdentifier)
	appendTag(&bagInfo, "External-Description", info.ExternalDescription)
	appendTag(&bagInfo, "Bagging-Date", time.Now().UTC().Format(time.DateOnly))
	appendTag(&bagInfo, labelOxum, w.payload.String())
	appendTag(&bagInfo, "Bag-Software-Agent", info.BagSoftwareAgent)
	tags := append([]tagFile{
		{DeclarationFile, []byte(declaration)},
		{infoFile, []byte(bagInfo.String())},
		{manifestName(manifestPrefix, writeAlgorithm), []byte(w.manifest.String())},
	}, w.tags...)
	return tags
}

func (w *Writer) writeTag(name string, body []byte) error {
	fw, err := w.zw.CreateHeader(&zip.FileHeader{Name: w.base + name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = io.Copy(fw, bytes.NewReader(body))
	return err
}

// Tag is one tag file of a bag: its name relative to the bag's base
// directory and its bytes.
type Tag struct {
	Name string
	Body []byte
}

// TagFiles returns the tag files of a bag whose payload was written file
// by file elsewhere (a directory bag): bagit.txt, bag-info.txt with the
// payload's Payload-Oxum, manifest-sha256.txt listing payload, the extra
// tags, and last tagmanifest-sha256.txt. The declaration comes first in
// the list but a writer that wants an interrupted bag to be recognisably
// incomplete writes it last. Errors: ErrPath for an extra tag the writer
// may not hold.
func TagFiles(info Info, payload []File, extra []Tag) ([]Tag, error) {
	w := &Writer{names: map[string]bool{}}
	for _, f := range payload {
		if !validPath(f.Path) || !strings.HasPrefix(f.Path, payloadDir) {
			return nil, fmt.Errorf("%w: payload file %q", ErrPath, f.Path)
		}
		appendManifestLine(&w.manifest, f.SHA256, f.Path)
		w.payload.octets += f.Size
		w.payload.files++
	}
	for _, t := range extra {
		if err := w.AddTagFile(t.Name, t.Body); err != nil {
			return nil, err
		}
	}
	tags := w.tagFiles(info)
	out := make([]Tag, 0, len(tags)+1)
	var tagManifest strings.Builder
	for _, t := range tags {
		out = append(out, Tag{t.name, t.body})
		sum := sha256.Sum256(t.body)
		appendManifestLine(&tagManifest, hex.EncodeToString(sum[:]), t.name)
	}
	return append(out, Tag{manifestName(tagManifestPrefix, writeAlgorithm), []byte(tagManifest.String())}), nil
}
