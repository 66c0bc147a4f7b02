// Package docs is the API reference page served at /docs: Redoc's
// standalone bundle (MIT, vendored and pinned by refresh.sh, no CDN)
// rendering /openapi.json.
package docs

import "embed"

// Files are index.html and the renderer.
//
//go:embed index.html redoc.standalone.js
var Files embed.FS
