// Package runbook loads the markdown runbooks of content/: front matter,
// the parsed document, its headings (with the ids links point to) and its
// links (with their lines, for `recheckgen check`). The one goldmark setup
// here is shared by checking and rendering, so the anchors check accepts
// are the anchors the site has.
package runbook

import (
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
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
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithAttribute(),
			parser.WithASTTransformers(util.Prioritized(eraTransformer{}, 500))),
	)...)
}

// eraTransformer shows a section's era on the page: the heading's
// `applies` attribute (which the renderer drops, not being an HTML
// attribute) becomes data-applies, holding the era as readers read it,
// which the theme's style sheet prints beside the heading.
type eraTransformer struct{}

func (eraTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if v, ok := h.AttributeString("applies"); ok {
			if s, ok := v.([]byte); ok {
				if e, err := recheckgen.ParseEra(string(s), time.Now().Year()); err == nil {
					h.SetAttributeString("data-applies", []byte(e.Builds()))
				}
			}
		}
		return ast.WalkSkipChildren, nil
	})
}
