package site

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/recheckgen/recheckgen/runbook"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders runbooks: the shared goldmark setup plus syntax
// highlighting with CSS classes (so light and dark themes both work) and
// links rewritten for the site.
type markdown struct{ gm goldmark.Markdown }

func newMarkdown(rawHTML bool) *markdown {
	return &markdown{gm: runbook.Markdown(rawHTML,
		highlighting.NewHighlighting(highlighting.WithFormatOptions(chromahtml.WithClasses(true))),
		linkExtension{})}
}

// render converts a page's body. The page was parsed for checking; it is
// parsed again here with the site's link rewriting.
func (m *markdown) render(p *runbook.Page) (template.HTML, error) {
	var buf bytes.Buffer
	doc := m.gm.Parser().Parse(text.NewReader(p.Body))
	if err := m.gm.Renderer().Render(&buf, p.Body, doc); err != nil {
		return "", err
	}
	// goldmark escapes text and drops unsafe links; raw HTML is off unless
	// the config opts in.
	return template.HTML(buf.String()), nil
}

type linkExtension struct{}

func (linkExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(linkRewriter{}, 999)))
}

// linkRewriter points links to other runbooks at their pages (.md → .html)
// and unlinks anything but http(s), mailto and relative links.
type linkRewriter struct{}

func (linkRewriter) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		link, ok := n.(*ast.Link)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		link.Destination = []byte(rewrite(string(link.Destination)))
		return ast.WalkContinue, nil
	})
}

func rewrite(dest string) string {
	u, err := url.Parse(dest)
	if err != nil {
		return "#"
	}
	switch u.Scheme {
	case "http", "https", "mailto":
		return dest
	case "":
		if u.Host != "" {
			return "#"
		}
	default:
		return "#"
	}
	if strings.HasSuffix(u.Path, ".md") {
		u.Path = strings.TrimSuffix(u.Path, ".md") + ".html"
	}
	return u.String()
}

// chromaCSS is the highlighting stylesheet: a light style, and a dark one
// under prefers-color-scheme.
func chromaCSS() ([]byte, error) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var buf bytes.Buffer
	if err := f.WriteCSS(&buf, style("github")); err != nil {
		return nil, err
	}
	var dark bytes.Buffer
	if err := f.WriteCSS(&dark, style("github-dark")); err != nil {
		return nil, err
	}
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	buf.Write(dark.Bytes())
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

func style(name string) *chroma.Style {
	if s := styles.Get(name); s != nil {
		return s
	}
	return styles.Fallback
}
