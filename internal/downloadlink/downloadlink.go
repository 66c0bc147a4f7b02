// Package downloadlink signs and checks the admin UI's download links:
// short-lived twincms URLs that let the browser's own download manager
// fetch an original or a BagIt zip straight to disk. The admin UI signs in
// with a bearer token the browser cannot attach to a plain navigation, so
// the UI asks the API (authenticated) for a link and then navigates to it;
// without the link the UI would have to read the whole file into memory
// as a Blob first.
//
// A link grants one thing: a kind of download ("document", "original",
// "bag"), one resource id, and a binding that changes when what the link
// would deliver changes (an original's SHA-256, a partnership's version),
// until one moment. The binding travels in the link (v), so its signature
// is checked before anything is read; the server then compares v with the
// resource as it is now. The signature travels in the query string, which the
// access log never writes (it logs paths only).
package downloadlink

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jesenice/twincms/models"
)

// The kinds of download a link can grant.
const (
	// Document is an editor's download of an active document's original.
	Document = "document"
	// Original is an archivist's download of an original (withdrawn too).
	Original = "original"
	// Bag is an archivist's BagIt zip of a partnership's documents.
	Bag = "bag"
)

// Path is where the links point, under the API's mount prefix: Path +
// kind + "s/" + id ("/api/v1/downloads/originals/…").
const Path = "/api/v1/downloads/"

// Signer signs and checks links with one key; instances sharing a
// database must share it (the app derives it from the object store's
// secret, as it does the public links' key).
type Signer struct {
	key []byte
	ttl time.Duration
}

// New returns a signer whose links live ttl.
func New(key []byte, ttl time.Duration) Signer { return Signer{key: key, ttl: ttl} }

// TTL is how long a link lives.
func (s Signer) TTL() time.Duration { return s.ttl }

// signature is the HMAC-SHA256 over what a link grants. The fields are
// separated by NUL, which none may contain (ids are checked ids, bindings
// hex digests or version numbers; Check refuses a NUL).
func (s Signer) signature(kind, id, bind string, exp int64) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("twincms admin download\x00" + kind + "\x00" + id + "\x00" + bind + "\x00" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// URL is a link, valid from now for the signer's lifetime, granting the
// download of kind for id as long as bind still holds, under the mount
// prefix base; expires is when it stops working.
func (s Signer) URL(base, kind, id, bind string, now time.Time) (link string, expires time.Time) {
	expires = now.Add(s.ttl).Truncate(time.Second)
	exp := expires.Unix()
	return base + Path + kind + "s/" + url.PathEscape(id) + "?v=" + url.QueryEscape(bind) + "&exp=" + strconv.FormatInt(exp, 10) +
		"&sig=" + s.signature(kind, id, bind, exp), expires.UTC()
}

// Check verifies a link's signature and expiry at now. A link signed for
// another kind, id or binding, a changed expiry, or one past its expiry
// is models.ErrLinkInvalid.
func (s Signer) Check(kind, id, bind, exp, sig string, now time.Time) error {
	at, err := strconv.ParseInt(exp, 10, 64)
	// Only the expiry's own spelling: "0…" or "+…" would be another link.
	if err != nil || strconv.FormatInt(at, 10) != exp || strings.ContainsRune(kind+id+bind, 0) ||
		!hmac.Equal([]byte(sig), []byte(s.signature(kind, id, bind, at))) {
		return fmt.Errorf("%w: the download link's signature does not match; start the download again from the page", models.ErrLinkInvalid)
	}
	if !now.Before(time.Unix(at, 0)) {
		return fmt.Errorf("%w: the download link expired at %s; start the download again from the page", models.ErrLinkInvalid,
			time.Unix(at, 0).UTC().Format(time.RFC3339))
	}
	return nil
}
