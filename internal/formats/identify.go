// Package formats identifies a stored file's format by PRONOM, the UK
// National Archives' registry of file formats, with siegfried (the
// identifier Archivematica uses) and its embedded signature file: the
// PUID, format name and version an archive records in PREMIS.
//
// The file is read where it is stored, by ranges (the first and last
// windows of the object, more only when a signature asks), so
// identification never holds a file in memory or copies it to disk.
package formats

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/richardlehane/siegfried"
	"github.com/richardlehane/siegfried/pkg/static"

	"github.com/jesenice/twincms/models"
)

// Identifier identifies files with siegfried's embedded PRONOM
// signatures. Safe for concurrent use; the signatures (a few MB in
// memory) load on first use.
type Identifier struct {
	once sync.Once
	sf   *siegfried.Siegfried
	tool string
	err  error
}

// NewIdentifier returns an identifier; the signatures load on first use.
func NewIdentifier() *Identifier { return &Identifier{} }

func (x *Identifier) load() error {
	x.once.Do(func() {
		x.sf = static.New()
		if x.sf == nil {
			x.err = fmt.Errorf("%w: the embedded PRONOM signature file cannot be read", models.ErrUnavailable)
			return
		}
		x.tool = "siegfried " + siegfriedVersion + "; " + signatureDetails(x.sf)
	})
	return x.err
}

// siegfriedVersion is the module version go.mod pins (the library does
// not report its own).
const siegfriedVersion = "1.11.2"

// signatureDetails names the embedded signature file, e.g.
// "DROID_SignatureFile_V120.xml; container-signature-20240715.xml".
func signatureDetails(sf *siegfried.Siegfried) string {
	for _, id := range sf.Identifiers() {
		if id[0] == "pronom" {
			return id[1]
		}
	}
	return ""
}

// Tool names the identifier and its signature file, as recorded with
// every identification.
func (x *Identifier) Tool() string {
	if err := x.load(); err != nil {
		return ""
	}
	return x.tool
}

// Identify identifies the size bytes readable from r (its name helps
// only where the bytes say nothing). ctx ends a read between ranges;
// budget, when > 0, bounds the time spent (reads stop after it).
func (x *Identifier) Identify(ctx context.Context, r io.ReaderAt, size int64, name string, budget time.Duration) (*models.FormatFacts, error) {
	if err := x.load(); err != nil {
		return nil, err
	}
	src := &source{ctx: ctx, r: r, size: size}
	if budget > 0 {
		src.until = time.Now().Add(budget)
	}
	ids, err := x.sf.Identify(src, name, "")
	if src.err != nil {
		return nil, src.err // the store failed, not the file
	}
	if err != nil {
		return nil, fmt.Errorf("identifying the format: %w", err)
	}
	facts := &models.FormatFacts{PUID: "UNKNOWN", Name: "unknown", Tool: x.tool, IdentifiedAt: time.Now().UTC()}
	if len(ids) == 0 {
		return facts, nil
	}
	for _, kv := range x.sf.Label(ids[0]) {
		switch v := strings.TrimSpace(kv[1]); kv[0] {
		case "id":
			facts.PUID = v
		case "format":
			if v != "" {
				facts.Name = v
			}
		case "version":
			facts.Version = v
		case "mime":
			facts.MIME = v
		case "basis":
			facts.Basis = v
		}
	}
	if facts.PUID == "UNKNOWN" {
		facts.Name = "unknown"
	}
	return facts, nil
}
