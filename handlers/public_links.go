package handlers

import (
	"context"
	"net/url"
	"time"

	"github.com/jesenice/twincms/models"
)

// linker signs the links of one rendering; every link of a body expires at
// the same moment.
type linker struct {
	p   *Published
	ctx context.Context
	at  time.Time
}

func (l *linker) expires() time.Time { return l.at.Add(l.p.linkTTL).UTC().Truncate(time.Second) }

func (l *linker) sign(key string, params url.Values) (string, error) {
	u, err := l.p.presigner.PresignGet(l.ctx, key, l.p.linkTTL, params)
	if err != nil {
		return "", err
	}
	return u.String(), nil
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

func (l *linker) document(z *localizer, field string, d *models.Document, role string) (publicDocument, error) {
	u, err := l.sign(d.File.Key, downloadParams(d))
	if err != nil {
		return publicDocument{}, err
	}
	return publicDocument{ID: d.ID, Title: z.text(field+".title", d.Title), Kind: string(d.Kind), Role: role, Size: d.File.Size,
		ContentType: d.File.ContentType, Filename: d.File.OriginalFilename, URL: u, ExpiresAt: l.expires()}, nil
}

func (l *linker) crest(z *localizer, d *models.Document) (*publicCrest, error) {
	c := &publicCrest{Title: z.text("crest.title", d.Title), Renditions: map[string]publicImage{}, ExpiresAt: l.expires()}
	for _, r := range d.Renditions {
		u, err := l.sign(r.Key, url.Values{"response-content-type": {r.ContentType}})
		if err != nil {
			return nil, err
		}
		c.Renditions[r.Name] = publicImage{URL: u, Width: r.Width, Height: r.Height, ContentType: r.ContentType}
	}
	return c, nil
}
