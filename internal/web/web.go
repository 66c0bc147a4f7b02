// Package web is the demo website: a plain HTML/CSS/JS page that renders
// the twin-towns page from the public API, as the municipality's site
// would. No build step; twincms serves it at /.
package web

import "embed"

// Files are the site's files (index.html, app.js, style.css).
//
//go:embed static
var Files embed.FS
