package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jesenice/twincms/models"
)

// UploadTTL is how long a presigned PUT for a direct upload is valid.
const UploadTTL = 15 * time.Minute

// uploadGrace is how long after its URL expired an upload may still be
// completed (a PUT that started in time may still be running).
const uploadGrace = time.Hour

// StartUpload registers a direct upload and signs the PUT. The signature
// covers x-amz-checksum-sha256, so the object store itself refuses bytes
// with another checksum.
func (s *Service) StartUpload(ctx context.Context, req models.UploadRequest) (*models.UploadTicket, error) {
	if req.Size > s.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes is over the limit of %d", models.ErrTooLarge, req.Size, s.MaxBytes)
	}
	raw, _ := hex.DecodeString(req.SHA256)
	now, actor := models.Now(), models.ActorFrom(ctx).Ref()
	u := &models.Upload{ID: s.NewID(), DocumentID: s.NewID(), Filename: req.Filename, Size: req.Size, SHA256: req.SHA256,
		Metadata: req.Metadata, ExpiresAt: now.Add(UploadTTL), CreatedAt: now, CreatedBy: actor}
	u.Key = originalKey(u.DocumentID)
	headers := http.Header{}
	headers.Set("x-amz-checksum-sha256", base64.StdEncoding.EncodeToString(raw))
	signed, err := s.Objects.PresignPut(ctx, u.Key, UploadTTL, headers)
	if err != nil {
		return nil, err
	}
	if err := s.Records.InsertUpload(ctx, u); err != nil {
		return nil, err
	}
	return &models.UploadTicket{Upload: u, URL: signed.String(), Method: http.MethodPut,
		Headers: map[string]string{"x-amz-checksum-sha256": headers.Get("x-amz-checksum-sha256")}, ExpiresAt: u.ExpiresAt}, nil
}

// CompleteUpload re-reads the uploaded object, checks size, SHA-256 and
// type, and creates the document (its creator: the actor ctx carries). A
// mismatch removes the object and the upload: the client starts again.
func (s *Service) CompleteUpload(ctx context.Context, id string) (*models.Document, error) {
	u, err := s.Records.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	if time.Now().After(u.ExpiresAt.Add(uploadGrace)) {
		return nil, fmt.Errorf("%w: the upload expired", models.ErrGone)
	}
	s.inflight.Store(u.DocumentID, struct{}{})
	defer s.inflight.Delete(u.DocumentID)
	info, err := s.Objects.Stat(ctx, u.Key)
	if errors.Is(err, models.ErrNotFound) {
		return nil, fmt.Errorf("%w: nothing was uploaded yet; PUT the file to the upload URL first", models.ErrConflict)
	} else if err != nil {
		return nil, err
	}
	facts, verr := s.verify(ctx, u, info)
	if verr != nil {
		s.discard(ctx, u.DocumentID, leftovers{}, verr)
		_ = s.Records.DeleteUpload(context.WithoutCancel(ctx), u.ID)
		return nil, verr
	}
	doc, err := s.finish(ctx, u.DocumentID, facts, u.Metadata)
	if err != nil {
		// finish removed the object; the upload cannot be completed again.
		_ = s.Records.DeleteUpload(context.WithoutCancel(ctx), u.ID)
		return nil, err
	}
	if err := s.Records.DeleteUpload(ctx, u.ID); err != nil {
		s.Logger.Warn("completed upload not forgotten; the sweeper will", "upload", u.ID, "err", err)
	}
	return doc, nil
}

// verify reads the stored object through, measuring what arrived.
func (s *Service) verify(ctx context.Context, u *models.Upload, info models.ObjectInfo) (models.FileFacts, error) {
	if info.Size != u.Size {
		return models.FileFacts{}, fmt.Errorf("%w: %d bytes arrived, %d were announced", models.ErrInvalid, info.Size, u.Size)
	}
	rc, _, err := s.Objects.Get(ctx, u.Key)
	if err != nil {
		return models.FileFacts{}, err
	}
	defer rc.Close()
	head := make([]byte, models.SniffLen)
	n, _ := io.ReadFull(rc, head)
	h := sha256.New()
	h.Write(head[:n])
	size, err := io.Copy(h, rc)
	if err != nil {
		return models.FileFacts{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if sum != u.SHA256 || size+int64(n) != u.Size {
		return models.FileFacts{}, fmt.Errorf("%w: the stored bytes have sha256 %s, %s was announced", models.ErrInvalid, sum, u.SHA256)
	}
	ct, err := checkType(head[:n], "", u.Metadata.Kind)
	if err != nil {
		return models.FileFacts{}, err
	}
	return models.FileFacts{Key: u.Key, Size: u.Size, ContentType: ct, SHA256: sum, OriginalFilename: u.Filename}, nil
}
