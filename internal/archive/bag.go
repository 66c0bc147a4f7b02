package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// BagInfo describes the bag: its base directory (RFC 8493 §4.2: a
// serialized bag unpacks into one directory named like the archive) and
// its source for bag-info.txt.
type BagInfo struct {
	BaseDir            string
	SourceOrganization string
	ExternalIdentifier string
	Description        string
}

// WriteBag streams a BagIt 1.0 bag of docs as a zip to w: every entry
// under info.BaseDir, payload under data/ read straight from the object
// store, the manifests computed while the bytes pass, and the partnership
// and document records as JSON tag files. Nothing is held whole in memory
// or written to disk. On an error the zip is left without its central
// directory, so no reader takes a broken bag for a complete one.
func WriteBag(ctx context.Context, w io.Writer, objects Objects, partnership any, docs []*models.Document, info BagInfo) error {
	zw := zip.NewWriter(w)
	base := strings.Trim(info.BaseDir, "/") + "/"
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	var manifest strings.Builder
	var oxumBytes int64
	names := map[string]bool{}
	for _, d := range docs {
		name := "data/" + uniqueName(names, payloadName(d))
		sum, n, err := copyPayload(ctx, zw, objects, d, base+name)
		if err != nil {
			return err
		}
		oxumBytes += n
		fmt.Fprintf(&manifest, "%s  %s\n", sum, encodePath(name))
	}
	tags := []struct {
		name string
		body []byte
	}{
		{"bagit.txt", []byte("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")},
		{"bag-info.txt", []byte(bagInfo(info, oxumBytes, len(docs)))},
		{"manifest-sha256.txt", []byte(manifest.String())},
	}
	pj, _ := json.MarshalIndent(partnership, "", "  ")
	dj, _ := json.MarshalIndent(docs, "", "  ")
	tags = append(tags, struct {
		name string
		body []byte
	}{"metadata/partnership.json", pj}, struct {
		name string
		body []byte
	}{"metadata/documents.json", dj})
	var tagManifest strings.Builder
	for _, t := range tags {
		if err := writeFile(zw, base+t.name, t.body); err != nil {
			return err
		}
		sum := sha256.Sum256(t.body)
		fmt.Fprintf(&tagManifest, "%s  %s\n", hex.EncodeToString(sum[:]), t.name)
	}
	if err := writeFile(zw, base+"tagmanifest-sha256.txt", []byte(tagManifest.String())); err != nil {
		return err
	}
	return zw.Close()
}

func copyPayload(ctx context.Context, zw *zip.Writer, objects Objects, d *models.Document, name string) (string, int64, error) {
	rc, _, err := objects.Get(ctx, d.File.Key)
	if err != nil {
		return "", 0, fmt.Errorf("document %s: %w", d.ID, err)
	}
	defer rc.Close()
	rc = io.NopCloser(io.LimitReader(rc, d.File.Size+1))
	// Stored, not deflated: scans and PDFs are compressed already, and
	// storing keeps the export as fast as reading.
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: d.CreatedAt})
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(fw, h), rc)
	if err != nil {
		return "", n, fmt.Errorf("document %s: %w", d.ID, err)
	}
	// Bytes that differ from the record would make a bag that fails its
	// own Payload-Oxum or manifest: stop rather than deliver it.
	sum := hex.EncodeToString(h.Sum(nil))
	if n != d.File.Size || sum != d.File.SHA256 {
		return "", n, fmt.Errorf("%w: document %s: the stored original no longer matches its record", models.ErrConflict, d.ID)
	}
	return sum, n, nil
}

func writeFile(zw *zip.Writer, name string, body []byte) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = io.Copy(fw, bytes.NewReader(body))
	return err
}

func bagInfo(info BagInfo, bytes int64, files int) string {
	var b strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\n", k, strings.ReplaceAll(v, "\n", " "))
		}
	}
	line("Source-Organization", info.SourceOrganization)
	line("External-Identifier", info.ExternalIdentifier)
	line("External-Description", info.Description)
	line("Bagging-Date", time.Now().UTC().Format(time.DateOnly))
	line("Payload-Oxum", fmt.Sprintf("%d.%d", bytes, files))
	line("Bag-Software-Agent", "twincms")
	return b.String()
}

// payloadName is the original file name, or the id with the type's
// extension when there is none.
func payloadName(d *models.Document) string {
	name := models.CleanFilename(d.File.OriginalFilename)
	if name == "" {
		name = d.ID + models.Extension(d.File.ContentType)
	}
	return name
}

// uniqueName keeps two documents with one file name apart.
func uniqueName(seen map[string]bool, name string) string {
	candidate := name
	ext := path.Ext(name)
	for i := 2; seen[candidate]; i++ {
		candidate = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext)
	}
	seen[candidate] = true
	return candidate
}

// encodePath escapes the characters BagIt manifests must not hold raw.
func encodePath(p string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(p)
}

// BagObjects reads and stats stored objects. Errors: models.ErrNotFound
// for a missing key, models.ErrUnavailable when the store is unreachable.
type BagObjects interface {
	Objects
	Stat(ctx context.Context, key string) (models.ObjectInfo, error)
}

// Bags writes BagIt packages for one organization.
type Bags struct {
	Objects BagObjects
	Org     string
}

// statTimeout bounds each object check so a hung store answers 503 in
// seconds rather than holding the request.
const statTimeout = 5 * time.Second

// Check stats every original before the first byte of a bag is sent, so
// an unreachable store (models.ErrUnavailable) or a missing or changed
// original (models.ErrConflict) is a problem response, not a broken zip.
func (b Bags) Check(ctx context.Context, docs []*models.Document) error {
	for _, d := range docs {
		sctx, cancel := context.WithTimeout(ctx, statTimeout)
		info, err := b.Objects.Stat(sctx, d.File.Key)
		timedOut := sctx.Err() != nil && ctx.Err() == nil
		cancel()
		switch {
		case timedOut:
			return fmt.Errorf("%w: object store did not answer within %s", models.ErrUnavailable, statTimeout)
		case errors.Is(err, models.ErrNotFound):
			return fmt.Errorf("%w: the original of document %s is missing from the object store", models.ErrConflict, d.ID)
		case err != nil:
			return err
		case info.Size != d.File.Size:
			return fmt.Errorf("%w: the original of document %s has %d bytes, its record %d", models.ErrConflict, d.ID, info.Size, d.File.Size)
		}
	}
	return nil
}

// Write streams the bag of a partnership's documents to w, all of it under
// the base directory baseDir.
func (b Bags) Write(ctx context.Context, w io.Writer, baseDir, id, name string, partnership any, docs []*models.Document) error {
	return WriteBag(ctx, w, b.Objects, partnership, docs, BagInfo{BaseDir: baseDir, SourceOrganization: b.Org,
		ExternalIdentifier: "twincms:partnership:" + id, Description: "Documents of the partnership with " + name})
}
