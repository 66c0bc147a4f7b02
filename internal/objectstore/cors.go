package objectstore

import (
	"context"
	"errors"
	"net/http"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
)

// AllowBrowserAccess sets the bucket's CORS rules so the admin UI can PUT
// direct uploads and fetch signed links from another origin. Any origin is
// allowed: the signed URL is the credential, and no cookies are involved.
// Stores that manage CORS themselves (MinIO answers NotImplemented and
// allows every origin by default) are left alone.
func (o *Store) AllowBrowserAccess(ctx context.Context) error {
	cfg := cors.NewConfig([]cors.Rule{{
		AllowedOrigin: []string{"*"},
		AllowedMethod: []string{http.MethodGet, http.MethodPut, http.MethodHead},
		AllowedHeader: []string{"*"},
		ExposeHeader:  []string{"ETag", "Content-Length", "Content-Disposition"},
		MaxAgeSeconds: 3600,
	}})
	err := o.client.SetBucketCors(ctx, o.bucket, cfg)
	var resp minio.ErrorResponse
	if errors.As(err, &resp) && (resp.Code == "NotImplemented" || resp.StatusCode == http.StatusNotImplemented) {
		return nil
	}
	if err != nil {
		return translateS3(err)
	}
	return nil
}

// PublicOrigin is the scheme and host browsers reach the object store by
// (signed links and direct uploads), for the admin UI's CSP.
func (o *Store) PublicOrigin() string {
	u := o.signer.EndpointURL()
	return u.Scheme + "://" + u.Host
}
