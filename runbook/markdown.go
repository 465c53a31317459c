// Package runbook loads the markdown runbooks of content/: front matter,
// the parsed document, its headings (with the ids links point to) and its
// links (with their lines, for `recheckgen check`). The one goldmark setup
// here is shared by checking and rendering, so the anchors check accepts
// are the anchors the site has.
package runbook

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

// Markdown returns the goldmark converter for runbooks: GitHub-flavoured
// markdown (tables, strikethrough, task lists, autolinks), footnotes,
// definition lists, typographic quotes, automatic heading ids and explicit
// `{#id}` attributes. Raw HTML is dropped unless rawHTML is set: runbooks
// arrive by pull request and must not carry script into the site.
func Markdown(rawHTML bool, extra ...goldmark.Extender) goldmark.Markdown {
	rendererOpts := []goldmark.Option{}
	if rawHTML {
		rendererOpts = append(rendererOpts, goldmark.WithRendererOptions(html.WithUnsafe()))
	}
	exts := append([]goldmark.Extender{extension.GFM, extension.Footnote, extension.DefinitionList, extension.Typographer}, extra...)
	return goldmark.New(append(rendererOpts,
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithAttribute()),
	)...)
}
