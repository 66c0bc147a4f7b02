// Package ingest brings files into the archive: it streams them into the
// object store while hashing and sniffing them, refuses what is not what
// it claims to be, reports duplicates, makes crest renditions and only
// then writes the record. It also sweeps up what an interrupted ingest
// leaves behind. The editor API, direct uploads and the demo loader all
// ingest through it.
//
// The rest of a document's life is here too (lifecycle.go): describe,
// withdraw, restore and purge, and the rules of a description. They share
// what keeps a crash repairable — the fixed event ids, the order of
// purge, the claims, the sweeper that finishes what a crash cut off — so
// that reasoning stays in one package. Every document write ends in one
// call of the change hook (Deps.Hooks).
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jesenice/twincms/internal/media"
	"github.com/jesenice/twincms/models"
)

// Objects is the object store as ingest needs it. Errors: models.ErrNotFound
// for a missing key, models.ErrUnavailable when the store is down.
type Objects interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
	// PutStream stores r of unknown size; any read error other than io.EOF
	// fails it, leaving at most an incomplete upload under key.
	PutStream(ctx context.Context, key string, r io.Reader, contentType string, meta map[string]string) (models.ObjectInfo, error)
	IncompleteUploads(ctx context.Context, prefix string, fn func(models.IncompleteUpload) error) error
	AbortUpload(ctx context.Context, key, uploadID string) error
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
	Stat(ctx context.Context, key string) (models.ObjectInfo, error)
	Remove(ctx context.Context, key string) error
	List(ctx context.Context, prefix string, fn func(models.ObjectInfo) error) error
	PresignPut(ctx context.Context, key string, ttl time.Duration, headers http.Header) (*url.URL, error)
}

// Records is the document store as ingest needs it. Errors:
// models.ErrNotFound, ErrConflict (Insert of a taken id), ErrUnavailable.
type Records interface {
	Insert(ctx context.Context, doc *models.Document, ev models.Event) error
	AppendEvent(ctx context.Context, ev models.Event) error
	FinishPurge(ctx context.Context, id string) error
	EventDocuments(ctx context.Context, t models.EventType) (map[string]bool, error)
	Claim(ctx context.Context, sum, documentID string, at time.Time) (models.Claim, bool, error)
	TakeOverClaim(ctx context.Context, stale models.Claim, documentID string, at time.Time) (bool, error)
	ReleaseClaim(ctx context.Context, sum, documentID string) error
	Claims(ctx context.Context) ([]models.Claim, error)
	Get(ctx context.Context, id string) (*models.Document, error)
	// GetCurrent reads the database itself (Get may answer from an index
	// that lags other instances' writes): for checks of a named version.
	GetCurrent(ctx context.Context, id string) (*models.Document, error)
	BySHA256(ctx context.Context, sum string) (*models.Document, error)
	All(ctx context.Context) ([]*models.Document, error)
	InsertUpload(ctx context.Context, u *models.Upload) error
	GetUpload(ctx context.Context, id string) (*models.Upload, error)
	DeleteUpload(ctx context.Context, id string) error
	Uploads(ctx context.Context) ([]*models.Upload, error)
	// Replace stores the next version with ev pending in the record;
	// SettleEvent moves it into the history. Errors: ErrNotFound, ErrStale.
	Replace(ctx context.Context, doc *models.Document, expected int64, ev models.Event) (*models.Document, error)
	SettleEvent(ctx context.Context, ev models.Event) error
	// Delete writes the purged event, then removes the record and claim.
	Delete(ctx context.Context, id string, ev models.Event) error
}

// Partnerships are what a description may refer to. Errors:
// models.ErrNotFound, ErrUnavailable.
type Partnerships interface {
	Get(ctx context.Context, id string) (*models.Partnership, error)
}

// Deps are the service's dependencies and settings.
type Deps struct {
	Objects      Objects
	Records      Records
	Partnerships Partnerships
	// Hooks hear of every document write (see Change): created, described,
	// withdrawn, restored, purged.
	Hooks    models.Hooks
	NewID    func() string
	MaxBytes int64
	Locales  models.Locales
	Logger   *slog.Logger
	// OnSweep, when set, hears what each sweep that found work did.
	OnSweep func(SweepResult)
	// Formats, when set, identifies each new original's format (PRONOM)
	// from the stored object before the record is written.
	Formats Formats
	// Uses, when set, tells where published content shows a document
	// (publish.Publisher.Uses): such a document is not withdrawn or purged.
	Uses func(id string) []models.DocumentUse
}

// Formats identifies a stored original (formats.Stored). Errors:
// models.ErrUnavailable, a deadline.
type Formats interface {
	IdentifyStored(ctx context.Context, key string, size int64, name string, budget time.Duration) (*models.FormatFacts, error)
}

// identifyBudget bounds identification at ingest: siegfried may scan a
// large file whole, and an upload must not wait for that; a document
// left unidentified is identified in the background (formats.Runner).
const identifyBudget = 3 * time.Second

// Service ingests documents and carries them through their lifecycle.
type Service struct {
	Deps

	inflight sync.Map // document id → struct{}: being ingested here
	cleanup  cleanupQueue
	holds    atomic.Int32 // > 0: objects are not removed (a backup runs)
}

// errHeld defers a removal while a backup holds the objects.
var errHeld = errors.New("objects are held by a running backup")

// HoldRemovals keeps every object where it is (purges and failed ingests
// queue their removals, the sweeper spares orphans) until release is
// called: a running backup copies the objects its database snapshot
// names, and a purge after the snapshot must not take one away first.
func (s *Service) HoldRemovals() (release func()) {
	s.holds.Add(1)
	var once sync.Once
	return func() { once.Do(func() { s.holds.Add(-1) }) }
}

func (s *Service) held() bool { return s.holds.Load() > 0 }

// New returns a service working with d.
func New(d Deps) *Service { return &Service{Deps: d} }

// Object key layout: originals and renditions are named by document id,
// so the sweeper can tell which record an object belongs to.
func originalKey(id string) string        { return "originals/" + id }
func renditionKey(id, name string) string { return models.RenditionKey(id, name) }

// DuplicateError reports bytes that are already stored as another
// (active) document.
type DuplicateError = models.DuplicateError

// Ingest stores f as a new document described by in (already checked with
// CheckInput), created by the actor ctx carries. On any failure nothing
// stays behind: no object, no record.
func (s *Service) Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput) (*models.Document, error) {
	br := bufio.NewReaderSize(f.Body, 64<<10)
	head, err := br.Peek(models.SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, models.Hide(models.ErrMalformed, "the file could not be read to its end", err)
	}
	ct, err := checkType(head, f.DeclaredType, in.Kind)
	if err != nil {
		return nil, err
	}
	id := s.NewID()
	s.inflight.Store(id, struct{}{})
	defer s.inflight.Delete(id)
	key := originalKey(id)
	switch whole, err := br.Peek(br.Size()); {
	case errors.Is(err, io.EOF):
		return s.ingestSmall(ctx, id, whole, ct, f.Filename, in)
	case err != nil && !errors.Is(err, bufio.ErrBufferFull):
		// Peek hands a read error over once: it must not be lost, or a
		// cut body could read as a shorter, complete one.
		return nil, models.Hide(models.ErrMalformed, "the file could not be read to its end", err)
	}

	h := sha256.New()
	lr := &limitReader{r: br, left: s.MaxBytes}
	info, err := s.Objects.PutStream(ctx, key, io.TeeReader(lr, h), ct, map[string]string{"document-id": id})
	if err != nil {
		s.discard(ctx, id, leftovers{}, err)
		if lr.over {
			return nil, fmt.Errorf("%w: the file is over the limit of %d bytes", models.ErrTooLarge, s.MaxBytes)
		}
		return nil, err
	}
	facts := models.FileFacts{Key: key, Size: info.Size, ContentType: ct, SHA256: hex.EncodeToString(h.Sum(nil)), OriginalFilename: f.Filename}
	return s.finish(ctx, id, facts, in)
}

// ingestSmall stores a file whose bytes are all in memory already (it
// ended within the read buffer, as most scans of a page do): one plain
// PUT of known size and a hash of the slice, without the streaming put's
// part buffer (16 MiB allocated and cleared per upload once the pool has
// been collected: 17% of an upload's CPU at 10,000 documents).
func (s *Service) ingestSmall(ctx context.Context, id string, data []byte, ct, filename string, in models.DocumentInput) (*models.Document, error) {
	if int64(len(data)) > s.MaxBytes {
		return nil, fmt.Errorf("%w: the file is over the limit of %d bytes", models.ErrTooLarge, s.MaxBytes)
	}
	key := originalKey(id)
	sum := sha256.Sum256(data)
	if _, err := s.Objects.Put(ctx, key, bytes.NewReader(data), int64(len(data)), ct, map[string]string{"document-id": id}); err != nil {
		s.discard(ctx, id, leftovers{}, err)
		return nil, err
	}
	facts := models.FileFacts{Key: key, Size: int64(len(data)), ContentType: ct, SHA256: hex.EncodeToString(sum[:]), OriginalFilename: filename}
	return s.finish(ctx, id, facts, in)
}

// checkType detects the type from the bytes and refuses what is not
// accepted, what contradicts the declared type, and crests that are not
// web images.
func checkType(head []byte, declared string, kind models.DocumentKind) (string, error) {
	ct := models.DetectType(head)
	switch {
	case ct == "":
		return "", fmt.Errorf("%w: only PDF, PNG, JPEG, TIFF and WebP files are accepted", models.ErrUnsupportedType)
	case declared != "" && declared != "application/octet-stream" && declared != ct:
		return "", fmt.Errorf("%w: the file was declared as %s but its bytes are %s", models.ErrUnsupportedType, declared, ct)
	case kind == models.KindCrest && !models.IsWebImage(ct):
		return "", fmt.Errorf("%w: a crest must be a PNG, JPEG or WebP image, not %s", models.ErrUnsupportedType, ct)
	}
	return ct, nil
}

// finish turns a stored original into a document: checksum claim,
// renditions, record, event. If any step fails it discards the objects and
// the claim (in the background when the store is down).
//
// The order keeps every crash repairable: the object exists before the
// claim, the claim before the record, the record before its event. A
// crash leaves, at worst, an object and a claim with no record (the
// sweeper removes both after its grace; an upload of the same bytes takes
// over a claim older than ClaimStale) or a record without its event (the
// sweeper writes the event from the record). The change hook hears of the
// new document last.
func (s *Service) finish(ctx context.Context, id string, facts models.FileFacts, in models.DocumentInput) (_ *models.Document, err error) {
	var lo leftovers
	defer func() {
		if err != nil {
			s.discard(ctx, id, lo, err)
		}
	}()
	now, actor := models.Now(), models.ActorFrom(ctx).Ref()
	if err := s.claim(ctx, id, facts.SHA256, now); err != nil {
		return nil, err
	}
	lo.claim = facts.SHA256
	// Records from before claims existed have none: ask the records too.
	if dup, err := s.Records.BySHA256(ctx, facts.SHA256); err == nil && dup.ID != id {
		return nil, &DuplicateError{ExistingID: dup.ID}
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	doc := &models.Document{ID: id, File: facts, Renditions: []models.Rendition{}, Status: models.DocumentActive, Version: 1,
		CreatedAt: now, CreatedBy: actor, UpdatedAt: now, UpdatedBy: actor}
	doc.Apply(in)
	if models.IsWebImage(facts.ContentType) && in.Kind == models.KindCrest {
		rs, err := s.renditions(ctx, id, facts)
		if err != nil {
			return nil, err
		}
		doc.Renditions = rs
	}
	s.identify(ctx, doc)
	lo.recordTried = true
	if err := s.Records.Insert(ctx, doc, ingestedEvent(doc)); err != nil {
		return nil, err
	}
	if doc.Format != nil {
		// A crash before this write leaves the record without the event;
		// the facts on the record stay the identification of record.
		if err := s.Records.AppendEvent(ctx, models.FormatIdentifiedEvent(doc.ID, doc.CreatedBy, doc.Format)); err != nil {
			s.Logger.Warn("format_identified event not written", "document", doc.ID, "err", err)
		}
	}
	s.changed(ctx, doc, models.ActionCreate, "", nil)
	return doc, nil
}

// identify records the original's PRONOM format on doc, within
// identifyBudget; a failure leaves it to the background runner.
func (s *Service) identify(ctx context.Context, doc *models.Document) {
	if s.Formats == nil {
		return
	}
	f, err := s.Formats.IdentifyStored(ctx, doc.File.Key, doc.File.Size, doc.File.OriginalFilename, identifyBudget)
	if err != nil {
		s.Logger.Info("format identified later, in the background", "document", doc.ID, "err", err)
		return
	}
	doc.Format = f
}

// ingestedEvent is a document's first event. It is made from the record
// alone, so the sweeper can write the same event for a record whose
// ingest was cut off between the two writes.
func ingestedEvent(doc *models.Document) models.Event {
	f := doc.File
	return models.Event{ID: models.EventID(doc.ID, models.EventIngested), DocumentID: doc.ID, Type: models.EventIngested,
		At: doc.CreatedAt, Actor: doc.CreatedBy,
		Detail: fmt.Sprintf("%s, %d bytes, sha256 %s, from %q", f.ContentType, f.Size, f.SHA256, f.OriginalFilename)}
}

func (s *Service) renditions(ctx context.Context, id string, facts models.FileFacts) ([]models.Rendition, error) {
	rc, _, err := s.Objects.Get(ctx, facts.Key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	made, err := media.CrestRenditions(rc, facts.ContentType)
	if err != nil {
		return nil, models.Hide(models.ErrInvalid, "the image cannot be decoded", err)
	}
	return StoreRenditions(ctx, s.Objects, id, made)
}

// StoreRenditions stores made (each PNG and WebP that is there)
// as document id's renditions and returns their records, PNGs first.
func StoreRenditions(ctx context.Context, objects interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
}, id string, made []media.Rendition) ([]models.Rendition, error) {
	out := make([]models.Rendition, 0, 2*len(made))
	put := func(m media.Rendition, name, ct string, data []byte) error {
		key := renditionKey(id, name)
		if _, err := objects.Put(ctx, key, bytes.NewReader(data), int64(len(data)), ct, map[string]string{"document-id": id}); err != nil {
			return err
		}
		out = append(out, models.Rendition{Name: name, Key: key, Width: m.Width, Height: m.Height, Size: int64(len(data)), ContentType: ct})
		return nil
	}
	for _, m := range made {
		if m.PNG == nil {
			continue
		}
		if err := put(m, m.Name, models.TypePNG, m.PNG); err != nil {
			return nil, err
		}
	}
	for _, m := range made {
		if m.WebP == nil {
			continue
		}
		if err := put(m, media.WebPName(m.Name), models.TypeWebP, m.WebP); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RemoveObjects deletes a purged document's objects (in the background
// when the store cannot do it now). The purge is decided: the objects go
// whether or not the record is gone yet (on a full disk they go first, to
// make room for removing the record).
func (s *Service) RemoveObjects(ctx context.Context, id string) {
	s.discard(ctx, id, leftovers{}, nil)
}

// limitReader fails once more than left bytes were read.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		l.over = true
		return 0, models.ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		l.over = true
		return n, models.ErrTooLarge
	}
	return n, err
}
