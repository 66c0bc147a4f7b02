package publish

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jesenice/twincms/models"
)

// FilesPath is where public file links point (under the API's mount
// prefix). They are twincms URLs, not object-store presigned URLs: a
// presigned URL cannot be revoked before it expires, but withdrawing or
// purging a document must stop its links within seconds (see File).
const FilesPath = "/api/v1/public/files/"

// Links signs and checks public file links. A link carries an HMAC over
// the document, rendition and expiry. Time is cut into windows of half
// the link lifetime; every link rendered in one window expires at the same
// moment, one lifetime after the window starts, so the same file gets the
// same link all window long (bodies and their ETags stay stable) and a
// link is never handed out with less than half its life left.
type Links struct {
	key []byte
	ttl time.Duration
}

// NewLinks returns the signer; instances sharing a database must share key
// so that a link handed out by one is honoured by all.
func NewLinks(key []byte, ttl time.Duration) Links { return Links{key: key, ttl: ttl} }

// windowLength is half the link lifetime.
func (l Links) windowLength() time.Duration { return l.ttl / 2 }

// Window is the index of the link window t falls in.
func (l Links) Window(t time.Time) int64 { return t.UnixNano() / int64(l.windowLength()) }

// WindowStart is when window idx begins.
func (l Links) WindowStart(idx int64) time.Time {
	return time.Unix(0, idx*int64(l.windowLength())).UTC()
}

// Expiry is when the links rendered in window idx expire: one lifetime
// after the window starts, to the second (links carry Unix seconds).
func (l Links) Expiry(idx int64) time.Time {
	return l.WindowStart(idx).Add(l.ttl).Truncate(time.Second)
}

// Signature is the HMAC-SHA256 over what a link grants: one file until
// one moment. The fields are separated by NUL, which none may contain.
func (l Links) Signature(docID, rendition string, exp int64) string {
	return l.sign(false, docID, rendition, exp)
}

// sign is Signature for a public link or, draft, for a link in a draft's
// preview: signed apart, so that neither can stand for the other.
func (l Links) sign(draft bool, docID, rendition string, exp int64) string {
	domain := "twincms public file"
	if draft {
		domain = "twincms draft file"
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(domain + "\x00" + docID + "\x00" + rendition + "\x00" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// URL is the signed public link of a document's original (rendition "")
// or of one of its renditions, under the mount prefix base.
func (l Links) URL(base, docID, rendition string, expires time.Time) string {
	return l.url(false, base, docID, rendition, expires)
}

// url is URL, or the link of a draft's preview (draft=1): see File.
func (l Links) url(draft bool, base, docID, rendition string, expires time.Time) string {
	exp := expires.Unix()
	u := base + FilesPath + url.PathEscape(docID)
	if rendition != "" {
		u += "/" + url.PathEscape(rendition)
	}
	u += "?exp=" + strconv.FormatInt(exp, 10)
	if draft {
		u += "&draft=1"
	}
	return u + "&sig=" + l.sign(draft, docID, rendition, exp)
}

// Check verifies a link's signature and expiry at now. Errors:
// models.ErrLinkInvalid for a bad signature or an expired link.
func (l Links) Check(docID, rendition, exp, sig string, now time.Time) error {
	return l.check(false, docID, rendition, exp, sig, now)
}

func (l Links) check(draft bool, docID, rendition, exp, sig string, now time.Time) error {
	at, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !hmac.Equal([]byte(sig), []byte(l.sign(draft, docID, rendition, at))) {
		return fmt.Errorf("%w: the link's signature does not match; take a fresh link from the public page", models.ErrLinkInvalid)
	}
	if !now.Before(time.Unix(at, 0)) {
		return fmt.Errorf("%w: the link expired at %s; take a fresh link from the public page", models.ErrLinkInvalid,
			time.Unix(at, 0).UTC().Format(time.RFC3339))
	}
	return nil
}

// linker signs the links of one rendering: every link of a body expires
// at the same moment, the end of its window's lifetime. A draft's
// preview gets draft links (see File).
type linker struct {
	links   Links
	base    string
	expires time.Time
	draft   bool
}

func (l linker) link(docID, rendition string) string {
	return l.links.url(l.draft, l.base, docID, rendition, l.expires)
}
