// Package ingest brings files into the archive: it streams them into the
// object store while hashing and sniffing them, refuses what is not what
// it claims to be, reports duplicates, makes crest renditions and only
// then writes the record. It also sweeps up what an interrupted ingest
// leaves behind. The editor API, direct uploads and the demo loader all
// ingest through it.
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
	"time"

	"github.com/jesenice/twincms/media"
	"github.com/jesenice/twincms/models"
)

// Objects is the object store as ingest needs it. Errors: models.ErrNotFound
// for a missing key, models.ErrUnavailable when the store is down.
type Objects interface {
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string, meta map[string]string) (models.ObjectInfo, error)
	Get(ctx context.Context, key string) (io.ReadCloser, models.ObjectInfo, error)
	Stat(ctx context.Context, key string) (models.ObjectInfo, error)
	Remove(ctx context.Context, key string) error
	List(ctx context.Context, prefix string, fn func(models.ObjectInfo) error) error
	PresignPut(ctx context.Context, key string, ttl time.Duration, headers http.Header) (*url.URL, error)
}

// Records is the document store as ingest needs it.
type Records interface {
	Insert(ctx context.Context, doc *models.Document, ev models.Event) error
	Get(ctx context.Context, id string) (*models.Document, error)
	BySHA256(ctx context.Context, sum string) (*models.Document, error)
	All(ctx context.Context) ([]*models.Document, error)
	InsertUpload(ctx context.Context, u *models.Upload) error
	GetUpload(ctx context.Context, id string) (*models.Upload, error)
	DeleteUpload(ctx context.Context, id string) error
	Uploads(ctx context.Context) ([]*models.Upload, error)
}

// Service ingests documents.
type Service struct {
	Objects  Objects
	Records  Records
	NewID    func() string
	MaxBytes int64
	Logger   *slog.Logger

	inflight sync.Map // document id → struct{}: being ingested here
}

// Object key layout: originals and renditions are named by document id,
// so the sweeper can tell which record an object belongs to.
func originalKey(id string) string        { return "originals/" + id }
func renditionKey(id, name string) string { return "renditions/" + id + "/" + name + ".png" }

// DuplicateError reports bytes that are already stored as another document.
type DuplicateError struct{ ExistingID string }

func (e *DuplicateError) Error() string {
	return "these bytes are already stored as document " + e.ExistingID
}

// DuplicateOf names the existing document (the problem's duplicate_of).
func (e *DuplicateError) DuplicateOf() string { return e.ExistingID }

// Unwrap makes a duplicate a conflict.
func (e *DuplicateError) Unwrap() error { return models.ErrConflict }

// Ingest stores f as a new document described by in (already validated).
// On any failure nothing stays behind: no object, no record.
func (s *Service) Ingest(ctx context.Context, f models.IncomingFile, in models.DocumentInput, actor string) (*models.Document, error) {
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

	h := sha256.New()
	lr := &limitReader{r: br, left: s.MaxBytes}
	_, err = s.Objects.Put(ctx, key, io.TeeReader(lr, h), -1, ct, map[string]string{"document-id": id})
	if err != nil {
		s.discard(ctx, id)
		if lr.over {
			return nil, fmt.Errorf("%w: the file is over the limit of %d bytes", models.ErrTooLarge, s.MaxBytes)
		}
		return nil, err
	}
	facts := models.FileFacts{Key: key, Size: s.MaxBytes - lr.left, ContentType: ct, SHA256: hex.EncodeToString(h.Sum(nil)), OriginalFilename: f.Filename}
	return s.finish(ctx, id, facts, in, actor)
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

// finish turns a stored original into a document: duplicate check,
// renditions, record. It removes the objects again if any step fails.
func (s *Service) finish(ctx context.Context, id string, facts models.FileFacts, in models.DocumentInput, actor string) (*models.Document, error) {
	ok := false
	defer func() {
		if !ok {
			s.discard(ctx, id)
		}
	}()
	if dup, err := s.Records.BySHA256(ctx, facts.SHA256); err == nil {
		return nil, &DuplicateError{ExistingID: dup.ID}
	} else if !errors.Is(err, models.ErrNotFound) {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
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
	ev := models.Event{DocumentID: id, Type: models.EventIngested, At: now, Actor: actor,
		Detail: fmt.Sprintf("%s, %d bytes, sha256 %s, from %q", facts.ContentType, facts.Size, facts.SHA256, facts.OriginalFilename)}
	if err := s.Records.Insert(ctx, doc, ev); err != nil {
		return nil, err
	}
	ok = true
	return doc, nil
}

func (s *Service) renditions(ctx context.Context, id string, facts models.FileFacts) ([]models.Rendition, error) {
	rc, _, err := s.Objects.Get(ctx, facts.Key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	made, err := media.Renditions(rc, facts.ContentType, media.Sizes)
	if err != nil {
		return nil, models.Hide(models.ErrInvalid, "the image cannot be decoded", err)
	}
	out := make([]models.Rendition, 0, len(made))
	for _, m := range made {
		key := renditionKey(id, m.Name)
		if _, err := s.Objects.Put(ctx, key, bytes.NewReader(m.PNG), int64(len(m.PNG)), models.TypePNG, map[string]string{"document-id": id}); err != nil {
			return nil, err
		}
		out = append(out, models.Rendition{Name: m.Name, Key: key, Width: m.Width, Height: m.Height, Size: int64(len(m.PNG)), ContentType: models.TypePNG})
	}
	return out, nil
}

// discard removes every object of a document that did not come to be. It
// runs even when the request was cancelled.
func (s *Service) discard(ctx context.Context, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	keys := []string{originalKey(id)}
	for _, size := range media.Sizes {
		keys = append(keys, renditionKey(id, fmt.Sprint(size)))
	}
	for _, k := range keys {
		if err := s.Objects.Remove(ctx, k); err != nil {
			s.Logger.Warn("leftover object not removed; the sweeper will retry", "key", k, "err", err)
		}
	}
}

// RemoveObjects deletes a purged document's objects.
func (s *Service) RemoveObjects(ctx context.Context, id string) { s.discard(ctx, id) }

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
