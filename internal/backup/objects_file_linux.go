package backup

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/jesenice/twincms/models"
	"github.com/pkg/xattr"
)

// openObjectFile opens the file versitygw (posix backend, metadata in
// extended attributes) keeps for key under dir. versitygw writes an
// object into an unnamed or temporary file, sets its attributes on that
// file and only then links or renames it to the key's name: a file found
// under the name is a complete object, and once opened its bytes and
// attributes stay those of that one object even if the key is replaced
// meanwhile (a new inode). The ETag, content type and user metadata are
// read from the open file, so what the backup records describes exactly
// the bytes it reads. ok is false when the file is not such an object
// (missing, not regular, a symbolic link, no ETag attribute) or lacks a
// content type (versitygw's GET then answers a default of its own; a test
// run saw a multipart upload's object without one).
func openObjectFile(dir, key string) (io.ReadCloser, models.ObjectInfo, bool) {
	f, err := os.OpenFile(filepath.Join(dir, filepath.FromSlash(key)), os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, models.ObjectInfo{}, false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, models.ObjectInfo{}, false
	}
	etag, err := xattr.FGet(f, "user.etag")
	if err != nil || len(etag) == 0 {
		_ = f.Close()
		return nil, models.ObjectInfo{}, false
	}
	info := models.ObjectInfo{Key: key, Size: st.Size(), ETag: strings.Trim(string(etag), `"`), LastModified: st.ModTime()}
	// No content type recorded: versitygw answers a GET with a default of
	// its own; the S3 API is asked for it.
	ct, err := xattr.FGet(f, "user.content-type")
	if err != nil || len(ct) == 0 {
		_ = f.Close()
		return nil, models.ObjectInfo{}, false
	}
	info.ContentType = string(ct)
	if raw, err := xattr.FGet(f, "user.metadata"); err == nil {
		var meta map[string]string
		if json.Unmarshal(raw, &meta) != nil {
			_ = f.Close()
			return nil, models.ObjectInfo{}, false
		}
		info.Metadata = canonicalMeta(meta)
	}
	return f, info, true
}

// listObjectFiles names the objects under dir as versitygw's listing
// does: every regular file but those in its own ".sgwtmp" directory (the
// parts of unfinished uploads), with its size and the ETag attribute
// (objects.go's Get opens the file again and reads the ETag of the bytes
// it copies). Directories are not objects here (twincms makes no
// directory objects). ok is false when a file lacks the ETag attribute:
// the directory is then not one versitygw keeps as expected, and the S3
// API lists.
func listObjectFiles(ctx context.Context, dir string) (out []models.ObjectInfo, ok bool, err error) {
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == ".sgwtmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		key := filepath.ToSlash(rel)
		if !localKey(key) {
			return errNotLocal
		}
		st, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking
		}
		if err != nil {
			return err
		}
		etag, err := xattr.LGet(p, "user.etag")
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || len(etag) == 0 {
			return errNotLocal
		}
		out = append(out, models.ObjectInfo{Key: key, Size: st.Size(), ETag: strings.Trim(string(etag), `"`), LastModified: st.ModTime()})
		return nil
	})
	if errors.Is(err, errNotLocal) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, true, nil
}

// errNotLocal stops listObjectFiles at a file it cannot vouch for.
var errNotLocal = errors.New("backup: not an object file")

// canonicalMeta names user metadata as the S3 API gives it back (HTTP's
// canonical header case, "Document-Id"), so both read paths record the
// same manifest.
func canonicalMeta(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[textproto.CanonicalMIMEHeaderKey(k)] = v
	}
	return out
}
