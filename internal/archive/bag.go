package archive

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/jesenice/twincms/internal/bagit"
	"github.com/jesenice/twincms/models"
)

// BagInfo describes the bag: its base directory (RFC 8493 §4.2: a
// serialized bag unpacks into one directory named like the archive) and
// its source for bag-info.txt.
type BagInfo struct {
	BaseDir string
	// Events, when set, reads a document's history for its PREMIS file
	// (metadata/premis/<id>.xml); Software is twincms's version there.
	Events             func(ctx context.Context, id string) ([]models.Event, error)
	Software           string
	SourceOrganization string
	ExternalIdentifier string
	Description        string
}

// WriteBag streams a BagIt 1.0 bag of docs as a zip to w (bagit.Writer):
// every entry under info.BaseDir, payload under data/ read straight from
// the object store, and the partnership and document records as JSON tag
// files. Nothing is held whole in memory or written to disk. On an error
// the zip is left without its central directory, so no reader takes a
// broken bag for a complete one.
func WriteBag(ctx context.Context, w io.Writer, objects Objects, partnership any, docs []*models.Document, info BagInfo) error {
	bw := bagit.NewWriter(w, info.BaseDir)
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	for _, d := range docs {
		if err := copyPayload(ctx, bw, objects, d); err != nil {
			return err
		}
		if err := copyText(ctx, bw, objects, d); err != nil {
			return err
		}
	}
	if info.Events != nil {
		for _, d := range docs {
			evs, err := info.Events(ctx, d.ID)
			if err != nil {
				return fmt.Errorf("document %s: events: %w", d.ID, err)
			}
			x, err := PREMIS(d, evs, info.Software)
			if err != nil {
				return fmt.Errorf("document %s: PREMIS: %w", d.ID, err)
			}
			if err := bw.AddTagFile(PREMISPath(d), x); err != nil {
				return err
			}
		}
	}
	pj, _ := json.MarshalIndent(partnership, "", "  ")
	dj, _ := json.MarshalIndent(docs, "", "  ")
	if err := errors.Join(bw.AddTagFile("metadata/partnership.json", pj), bw.AddTagFile("metadata/documents.json", dj)); err != nil {
		return err
	}
	return bw.Finish(bagit.Info{SourceOrganization: info.SourceOrganization, ExternalIdentifier: info.ExternalIdentifier,
		ExternalDescription: info.Description, BagSoftwareAgent: "twincms"})
}

func copyPayload(ctx context.Context, bw *bagit.Writer, objects Objects, d *models.Document) error {
	rc, _, err := objects.Get(ctx, d.File.Key)
	if err != nil {
		return fmt.Errorf("document %s: %w", d.ID, err)
	}
	defer rc.Close()
	f, err := bw.AddPayload(payloadName(d), d.CreatedAt, io.LimitReader(rc, d.File.Size+1))
	if err != nil {
		return fmt.Errorf("document %s: %w", d.ID, err)
	}
	// Bytes that differ from the record would make a bag that fails its
	// own Payload-Oxum or manifest: stop rather than deliver it.
	if f.Size != d.File.Size || f.SHA256 != d.File.SHA256 {
		return fmt.Errorf("%w: document %s: the stored original no longer matches its record", models.ErrConflict, d.ID)
	}
	return nil
}

// copyText adds the document's extracted text (text layer or OCR), when
// there is one, as data/text/<payload name>.txt: UTF-8 plain text, the
// alternative an archive keeps beside a scan. The text is derived and
// can be made again: one gone from the store is left out, not a failure.
func copyText(ctx context.Context, bw *bagit.Writer, objects Objects, d *models.Document) error {
	if d.Text == nil || d.Text.Status != models.TextDone || d.Text.Key == "" {
		return nil
	}
	rc, _, err := objects.Get(ctx, d.Text.Key)
	if errors.Is(err, models.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("document %s: text: %w", d.ID, err)
	}
	defer rc.Close()
	if _, err := bw.AddPayload(TextPayloadName(d), d.Text.UpdatedAt, rc); err != nil {
		return fmt.Errorf("document %s: text: %w", d.ID, err)
	}
	return nil
}

// TextPayloadName is where a document's extracted text lies in its bag,
// under data/.
func TextPayloadName(d *models.Document) string { return "text/" + payloadName(d) + ".txt" }

// payloadName is the name the document downloads under (the original
// name, its extension made to match the detected type, bidi controls
// stripped: models.DownloadName), or the id with the type's extension
// when that is no safe file name: a bag opened on a desktop must not
// hold an "evil.html" of PDF bytes either.
func payloadName(d *models.Document) string {
	name := models.CleanFilename(models.DownloadName(d))
	if name == "" {
		name = d.ID + models.Extension(d.File.ContentType)
	}
	return name
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
	// Events reads a document's history (storage.Documents), for PREMIS.
	Events   EventLister
	Software string
}

// EventLister reads a document's events, oldest first.
type EventLister interface {
	Events(ctx context.Context, id string) ([]models.Event, error)
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
	info := BagInfo{BaseDir: baseDir, SourceOrganization: b.Org, Software: b.Software,
		ExternalIdentifier: "twincms:partnership:" + id, Description: "Documents of the partnership with " + name}
	if b.Events != nil {
		info.Events = b.Events.Events
	}
	return WriteBag(ctx, w, b.Objects, partnership, docs, info)
}
