package bulk

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jesenice/twincms/internal/bagit"
	"github.com/jesenice/twincms/models"
)

// BagError refuses a bag as a whole, naming every file that is missing,
// altered or not listed, before anything of it is stored.
type BagError struct {
	Problems []models.IngestError
}

func (e *BagError) Error() string {
	parts := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		parts = append(parts, bagit.Problem(p).String())
	}
	return fmt.Sprintf("%v: the bag is refused, nothing was stored: %s", models.ErrInvalid, strings.Join(parts, "; "))
}

// Unwrap makes a refused bag invalid input (422 over HTTP).
func (e *BagError) Unwrap() error { return models.ErrInvalid }

// verifyBag checks a bag completely with bagit.Verify before anything is
// stored and returns its payload files (Path relative to data/) with
// their SHA-256, or a *BagError naming every problem. Files are hashed by
// workers goroutines, counted in t.
func verifyBag(ctx context.Context, fsys fs.FS, workers int, t *tally) ([]File, error) {
	payload, err := bagit.Verify(ctx, fsys, bagit.Options{
		Listed: func(payload []bagit.File) { t.begin(PhaseVerifying, ingestFiles(payload)) },
		Hashed: t.hashed,
		Parallel: func(ctx context.Context, n int, fn func(i int)) error {
			return forEach(ctx, n, workers, fn)
		},
	})
	var refused *bagit.Error
	switch {
	case errors.As(err, &refused):
		return nil, bagError(refused)
	case errors.Is(err, bagit.ErrUnreadable):
		// The cause is a library's text (a file system's, the zip
		// package's): the log has it, the report says ours.
		return nil, models.Hide(models.ErrInvalid, "the bag's files cannot be listed", err)
	case err != nil:
		return nil, err
	}
	files := ingestFiles(payload)
	for i := range files {
		files[i].Path = strings.TrimPrefix(files[i].Path, "data/")
	}
	return files, nil
}

// bagError is a refusal by bagit as this package reports it.
func bagError(refused *bagit.Error) *BagError {
	problems := make([]models.IngestError, len(refused.Problems))
	for i, p := range refused.Problems {
		problems[i] = models.IngestError(p)
	}
	return &BagError{Problems: problems}
}

// Invalid is the refusal as a request's field problems (422 with
// errors[]), one per entry, for a bag refused before its job exists:
// the names stay whole whatever characters they hold.
func (e *BagError) Invalid() error {
	var ps models.Problems
	for _, p := range e.Problems {
		field := p.File
		if field == "" {
			field = "bag"
		}
		ps.Add(field, "%s", p.Reason)
	}
	return ps.Err(models.ErrInvalid)
}

func ingestFiles(payload []bagit.File) []File {
	files := make([]File, len(payload))
	for i, f := range payload {
		files[i] = File(f)
	}
	return files
}

// hashFile reads p once through SHA-256 and the algorithms algs (nil for
// none besides); see bagit.HashFile.
func hashFile(fsys fs.FS, p string, algs []string) (map[string]string, int64, error) {
	return bagit.HashFile(fsys, p, algs...)
}
