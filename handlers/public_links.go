package handlers

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"time"

	"github.com/jesenice/twincms/models"
)

// publicFilesPath is where public file links point (under the API's mount
// prefix); see public_files.go for why they are not object-store links.
const publicFilesPath = "/api/v1/public/files/"

// linker signs the links of one rendering; every link of a body expires at
// the same moment, the end of its link window's lifetime, so the same file
// gets the same link all window long.
type linker struct {
	key     []byte
	base    string // mount prefix of the API ("" at the root)
	expires time.Time
}

// link is the signed public URL of a document's original (rendition "")
// or of one of its renditions.
func (l *linker) link(docID, rendition string) string {
	exp := l.expires.Unix()
	u := l.base + publicFilesPath + url.PathEscape(docID)
	if rendition != "" {
		u += "/" + url.PathEscape(rendition)
	}
	return u + "?exp=" + strconv.FormatInt(exp, 10) + "&sig=" + fileSignature(l.key, docID, rendition, exp)
}

// fileSignature is the HMAC-SHA256 over what a link grants: one file until
// one moment. The fields are separated by NUL, which none may contain.
func fileSignature(key []byte, docID, rendition string, exp int64) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("twincms public file\x00" + docID + "\x00" + rendition + "\x00" + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// publicDocument is a downloadable document as the website shows it.
type publicDocument struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Kind        string    `json:"kind"`
	Role        string    `json:"role,omitempty"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Filename    string    `json:"filename"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// publicImage is one rendition of a crest.
type publicImage struct {
	URL         string `json:"url"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
}

// publicCrest is a partner's crest with its web renditions.
type publicCrest struct {
	Title      string                 `json:"title"`
	Renditions map[string]publicImage `json:"renditions"`
	ExpiresAt  time.Time              `json:"expires_at"`
}

func (l *linker) document(z *localizer, field string, d *models.Document, role string) publicDocument {
	return publicDocument{ID: d.ID, Title: z.text(field+".title", d.Title), Kind: string(d.Kind), Role: role, Size: d.File.Size,
		ContentType: d.File.ContentType, Filename: d.File.OriginalFilename, URL: l.link(d.ID, ""), ExpiresAt: l.expires}
}

func (l *linker) crest(z *localizer, d *models.Document) *publicCrest {
	c := &publicCrest{Title: z.text("crest.title", d.Title), Renditions: map[string]publicImage{}, ExpiresAt: l.expires}
	for _, r := range d.Renditions {
		c.Renditions[r.Name] = publicImage{URL: l.link(d.ID, r.Name), Width: r.Width, Height: r.Height, ContentType: r.ContentType}
	}
	return c
}
