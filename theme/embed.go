// Package theme holds the built-in site theme: html/template files and
// static assets. A user theme directory overrides it file by file.
package theme

import "embed"

// Files are templates/*.html and assets/*.
//
//go:embed templates assets
var Files embed.FS
