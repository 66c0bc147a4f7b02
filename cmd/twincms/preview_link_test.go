//go:build browser

package main

import "time"

// previewLink is a preview link as POST …/preview-links answers it, for
// the browser preview test (its HTTP tests moved to package preview).
type previewLink struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}
