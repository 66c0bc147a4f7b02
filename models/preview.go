package models

import "time"

// PreviewLink lets a person without an account see one draft (a page or
// a partnership) until it expires or is revoked. Only the SHA-256 of its
// secret is stored; the secret is shown once, inside the link's URL.
type PreviewLink struct {
	ID         string    `json:"id" bson:"_id"`
	Resource   Resource  `json:"resource" bson:"resource"`
	ResourceID string    `json:"resource_id" bson:"resource_id"`
	SecretHash string    `json:"-" bson:"secret_hash"`
	ExpiresAt  time.Time `json:"expires_at" bson:"expires_at"`
	CreatedAt  time.Time `json:"created_at" bson:"created_at"`
	CreatedBy  Actor     `json:"created_by" bson:"created_by"`
}

// PreviewLinkInput is the body of POST …/{id}/preview-links.
type PreviewLinkInput struct {
	// ExpiresIn is the lifetime in seconds; 0 is DefaultPreviewTTL.
	ExpiresIn int64 `json:"expires_in"`
}

// Preview link lifetimes.
const (
	DefaultPreviewTTL = 7 * 24 * time.Hour
	MaxPreviewTTL     = 30 * 24 * time.Hour
)

// TTL checks the input and returns the lifetime it asks for.
func (in PreviewLinkInput) TTL() (time.Duration, error) {
	var p Problems
	switch {
	case in.ExpiresIn == 0:
		return DefaultPreviewTTL, nil
	case in.ExpiresIn < 1 || in.ExpiresIn > int64(MaxPreviewTTL/time.Second):
		p.Add("expires_in", "must be from 1 to %d seconds (30 days)", int64(MaxPreviewTTL/time.Second))
	}
	return time.Duration(in.ExpiresIn) * time.Second, p.Err(ErrInvalid)
}
