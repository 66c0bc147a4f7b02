// Package admin is the editors', archivists' and admins' web UI: plain
// HTML, CSS and ES modules on the public API, no build step. twincms
// serves it at /admin.
package admin

import "embed"

// Files are the UI's files, flat: index.html, the modules and the style.
//
//go:embed *.html *.js *.css
var Files embed.FS
