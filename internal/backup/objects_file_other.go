//go:build !linux

package backup

import (
	"context"
	"io"

	"github.com/jesenice/twincms/models"
)

// openObjectFile: elsewhere objects are read through the S3 API.
func openObjectFile(dir, key string) (io.ReadCloser, models.ObjectInfo, bool) {
	return nil, models.ObjectInfo{}, false
}

// listObjectFiles: elsewhere objects are listed through the S3 API.
func listObjectFiles(ctx context.Context, dir string) ([]models.ObjectInfo, bool, error) {
	return nil, false, nil
}
