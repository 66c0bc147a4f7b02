package bulk

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jesenice/twincms/internal/bagit"
	"github.com/jesenice/twincms/models"
)

// Source is what one bulk ingest reads: a folder, or a BagIt bag as a
// directory or a zip. Both are read through fs.FS, so a zip is never
// unpacked to disk and a folder and a bag are listed the same way.
type Source struct {
	// FS is rooted at the folder or at the bag's base directory.
	FS fs.FS
	// Bag is true for a BagIt bag: its payload is under data/ and its
	// manifests are verified before anything is stored.
	Bag bool
	// Files are the files to ingest, by path (for a bag, relative to
	// data/), sorted. For a bag they are filled in by verification.
	Files  []File
	closer io.Closer
}

// File is one file to ingest.
type File struct {
	// Path is slash-separated, relative to the folder or to the bag's data/.
	Path string
	Size int64
	// SHA256 is the checksum measured before ingest (verification of a
	// bag, hashing of a folder); the bytes ingested must have it.
	SHA256 string
}

// name is the file name a document keeps (models.CleanFilename decides
// whether it is acceptable).
func (f File) name() string { return path.Base(f.Path) }

// Close releases the zip, if the source is one.
func (s *Source) Close() error {
	if s.closer == nil {
		return nil
	}
	return s.closer.Close()
}

// open opens a file of the source by its Path.
func (s *Source) open(f File) (fs.File, error) {
	if s.Bag {
		return s.FS.Open("data/" + f.Path)
	}
	return s.FS.Open(f.Path)
}

// Limits bound what a zipped bag may expand to while it is read: the
// expanded total and each entry's compression ratio (see bagit.Limits;
// the zero value is bagit's defaults).
type Limits = bagit.Limits

// Open reads what is at p with the default Limits; see OpenLimited.
func Open(p, skip string) (*Source, error) { return OpenLimited(p, skip, Limits{}) }

// OpenLimited reads what is at p: a .zip (a bag, read within lim), a
// directory with a bagit.txt (a bag) or any other directory (a folder).
// skip is a file to leave out of a folder (the metadata CSV when it sits
// among the files); "" for none. A directory is read through os.Root, so
// no path, link or "..", leads out of it (verification refuses a bag
// with links outright). Errors: models.ErrInvalid for what is neither, a
// zip that is no bag, or (a *BagError) a zip with unsafe entry names.
func OpenLimited(p, skip string, lim Limits) (*Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be read: %v", models.ErrInvalid, p, errors.Unwrap(err))
	}
	if !st.IsDir() {
		z, err := zip.OpenReader(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %s is neither a folder nor a zip of a BagIt bag", models.ErrInvalid, p)
		}
		src, err := bagInZip(&z.Reader, st.Size(), lim)
		if err != nil {
			_ = z.Close()
			return nil, err
		}
		src.closer = z
		return src, nil
	}
	root, err := os.OpenRoot(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s cannot be read: %v", models.ErrInvalid, p, errors.Unwrap(err))
	}
	fsys := root.FS()
	if _, err := fs.Stat(fsys, bagit.DeclarationFile); err == nil {
		return &Source{FS: fsys, Bag: true, closer: root}, nil
	}
	src := &Source{FS: fsys, closer: root}
	if skip != "" {
		if rel, err := filepath.Rel(p, skip); err == nil && !strings.HasPrefix(rel, "..") {
			skip = filepath.ToSlash(rel)
		}
	}
	if err := src.listFolder(skip); err != nil {
		_ = root.Close()
		return nil, err
	}
	return src, nil
}

// OpenZip reads a zipped bag from r (size bytes), as the HTTP API
// receives it, within lim. Errors: models.ErrMalformed for what is not a
// zip, models.ErrInvalid for a zip that holds no bag, a *BagError naming
// every entry whose name is unsafe or repeated.
func OpenZip(r io.ReaderAt, size int64, lim Limits) (*Source, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, models.Hide(models.ErrMalformed, "the body is not a readable zip archive", err)
	}
	return bagInZip(z, size, lim)
}

// bagInZip checks every entry name of a zip before anything is read, then
// finds the bag: at its root, or (RFC 8493 §4.2, and what our own export
// writes) in its one top-level directory.
func bagInZip(z *zip.Reader, size int64, lim Limits) (*Source, error) {
	fsys, err := bagit.OpenZip(z, size, lim)
	var refused *bagit.Error
	if errors.As(err, &refused) {
		return nil, bagError(refused)
	} else if err != nil {
		return nil, err
	}
	if root, ok := bagit.Root(fsys); ok {
		return &Source{FS: root, Bag: true}, nil
	}
	return nil, fmt.Errorf("%w: the zip holds no BagIt bag (no bagit.txt at its root or in its one top-level directory)", models.ErrInvalid)
}

// listFolder lists a folder's regular files. Hidden files (a leading dot:
// .DS_Store, editor backups) and the skipped file are left out; links and
// devices are never followed.
func (s *Source) listFolder(skip string) error {
	err := fs.WalkDir(s.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() || p == skip {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		s.Files = append(s.Files, File{Path: p, Size: info.Size()})
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: the folder cannot be listed: %v", models.ErrInvalid, err)
	}
	sort.Slice(s.Files, func(i, j int) bool { return s.Files[i].Path < s.Files[j].Path })
	return nil
}
