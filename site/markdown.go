package site

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/recheckgen/recheckgen/chart"
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
	// the config opts in. Code blocks scroll sideways: keyboard users must
	// be able to focus them to scroll.
	// Wide tables scroll in a box of their own, which takes focus too.
	out := preTag.ReplaceAllString(buf.String(), `<pre tabindex="0"$1`)
	out = strings.ReplaceAll(out, "<table>", `<div class="scroll" tabindex="0" role="region" aria-label="Table"><table>`)
	out = strings.ReplaceAll(out, "</table>", "</table></div>")
	return template.HTML(out), nil
}

// preTag is the start of a <pre> element as goldmark and chroma write it
// (text is escaped, so no "<pre" in it is one).
var preTag = regexp.MustCompile(`<pre([\s>])`)

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
// under prefers-color-scheme, each with every colour made readable on its
// background.
func chromaCSS() ([]byte, error) {
	f := chromahtml.New(chromahtml.WithClasses(true))
	var buf bytes.Buffer
	light, err := readable(style("github"))
	if err != nil {
		return nil, err
	}
	if err := f.WriteCSS(&buf, light); err != nil {
		return nil, err
	}
	darkStyle, err := readable(style("github-dark"))
	if err != nil {
		return nil, err
	}
	var dark bytes.Buffer
	if err := f.WriteCSS(&dark, darkStyle); err != nil {
		return nil, err
	}
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	buf.Write(dark.Bytes())
	// The dark rules must replace every light one: a class the dark style
	// leaves to the text colour has no rule of its own and would keep its
	// light colour (.nb was #6639ba on #0d1117, 2.57:1).
	text := darkStyle.Get(chroma.Background).Colour.String()
	have := map[string]bool{}
	for _, m := range cssClass.FindAllStringSubmatch(dark.String(), -1) {
		have[m[1]] = true
	}
	for _, m := range cssClass.FindAllStringSubmatch(buf.String(), -1) {
		if !have[m[1]] {
			have[m[1]] = true
			fmt.Fprintf(&buf, "/* reset */ .chroma .%s { color: %s }\n", m[1], text)
		}
	}
	buf.WriteString("}\n")
	return buf.Bytes(), nil
}

// cssClass finds the token classes of a chroma stylesheet's colour rules.
var cssClass = regexp.MustCompile(`\.chroma \.([a-z0-9]+) \{ color:`)

// minContrast is WCAG AA's contrast for text.
const minContrast = 4.5

// readable returns st with each token colour that has less than 4.5:1
// contrast on its background moved towards the text colour until it has
// (github-dark's built-in names, .nb, had 2.57:1).
func readable(st *chroma.Style) (*chroma.Style, error) {
	bg := st.Get(chroma.Background).Background
	b := st.Builder()
	for _, tt := range st.Types() {
		e := st.Get(tt)
		if !e.Colour.IsSet() {
			continue
		}
		back := bg
		if e.Background.IsSet() {
			back = e.Background
		}
		c := reach(e.Colour, back)
		if c != e.Colour {
			e.Colour = c
			b.AddEntry(tt, e)
		}
	}
	return b.Build()
}

// reach moves c towards black or white, whichever reaches 4.5:1 on back
// first (towards the better one when neither does).
func reach(c, back chroma.Colour) chroma.Colour {
	if chart.Contrast(c.String(), back.String()) >= minContrast {
		return c
	}
	best := c
	for _, step := range []float64{0.05, -0.05} {
		x := c
		for i := 0; i < 40 && chart.Contrast(x.String(), back.String()) < minContrast; i++ {
			x = x.Brighten(step)
		}
		if chart.Contrast(x.String(), back.String()) >= minContrast {
			return x
		}
		if chart.Contrast(x.String(), back.String()) > chart.Contrast(best.String(), back.String()) {
			best = x
		}
	}
	for _, x := range []chroma.Colour{chroma.MustParseColour("#000000"), chroma.MustParseColour("#ffffff")} {
		if chart.Contrast(x.String(), back.String()) > chart.Contrast(best.String(), back.String()) {
			best = x
		}
	}
	return best
}

func style(name string) *chroma.Style {
	if s := styles.Get(name); s != nil {
		return s
	}
	return styles.Fallback
}
