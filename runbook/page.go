package runbook

import (
	"bytes"
	"fmt"
	"html"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/yamlfile"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
)

// Page is one runbook.
type Page struct {
	Path string // slash path relative to the content directory: "devstack-gate.md"
	File string // path on disk, for messages
	Meta Meta
	Body []byte // markdown after the front matter
	// BodyLine is the file line Body starts on, so positions in Body map
	// back to the file.
	BodyLine int
	Doc      ast.Node
	Headings []Heading
	Links    []Link
	// diags are problems found while walking the document (a section's
	// `applies` that does not parse).
	diags diag.List
}

// Meta is a runbook's front matter.
type Meta struct {
	Title  string
	Date   string // YYYY-MM-DD, optionally with a time
	Author string
	Tags   []string
	Status string
	// Applies is the era of builds the whole page describes (`applies:`).
	Applies recheckgen.Era
}

// Heading is a section of a page.
type Heading struct {
	Level int
	Text  string
	ID    string
	Line  int
	// Applies is the section's era, from the heading's attribute
	// `{#id applies="2016-2018"}`; it covers the subsections too.
	Applies recheckgen.Era
}

// Link is a link destination written in a page.
type Link struct {
	Dest      string
	Line, Col int
}

// MetaKeys are the keys front matter may hold.
var MetaKeys = []string{"title", "date", "author", "tags", "status", "applies"}

// Statuses are the accepted `status` values.
var Statuses = []string{"draft", "published", "archived"}

var (
	dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?|T\d{2}:\d{2}(:\d{2})?Z?)?$`)
	tagRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
)

// Parse reads one page. rel is its slash path under the content directory.
func Parse(md goldmark.Markdown, file, rel string, src []byte) (*Page, diag.List) {
	p := &Page{Path: rel, File: file}
	fm, body, bodyLine, ok := splitFrontMatter(src)
	if !ok {
		return p, diag.List{{File: file, Line: 1, Col: 1, Severity: diag.Error,
			Message: "missing front matter: start the page with a `---` line, then `title: ...`, then `---`"}}
	}
	p.Body, p.BodyLine = body, bodyLine
	dl := p.parseMeta(fm)
	p.Doc = md.Parser().Parse(text.NewReader(body))
	p.collect()
	return p, append(dl, p.diags...)
}

// splitFrontMatter cuts the YAML between the first two `---` lines.
func splitFrontMatter(src []byte) (fm, body []byte, bodyLine int, ok bool) {
	src = bytes.TrimPrefix(src, []byte("\uFEFF"))
	rest, found := bytes.CutPrefix(src, []byte("---\n"))
	if !found {
		if rest, found = bytes.CutPrefix(src, []byte("---\r\n")); !found {
			return nil, src, 1, false
		}
	}
	for off := 0; off <= len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if end >= 0 {
			line = rest[off : off+end]
		}
		if string(bytes.TrimRight(line, "\r \t")) == "---" {
			fm = rest[:off]
			if end < 0 {
				body = nil
			} else {
				body = rest[off+end+1:]
			}
			return fm, body, bytes.Count(src[:len(src)-len(body)], []byte("\n")) + 1, true
		}
		if end < 0 {
			break
		}
		off += end + 1
	}
	return nil, src, 1, false
}

func (p *Page) parseMeta(fm []byte) diag.List {
	doc, bad := yamlfile.Parse(p.File, fm, 1)
	if bad != nil {
		return diag.List{*bad}
	}
	fields, dl := doc.Fields(doc.Root, MetaKeys, "front matter")
	str := func(key string, dst *string) {
		if f, ok := fields[key]; ok {
			v, d := doc.String(f)
			*dst = strings.TrimSpace(v)
			if d != nil {
				dl = append(dl, *d)
			}
		}
	}
	str("title", &p.Meta.Title)
	str("date", &p.Meta.Date)
	str("author", &p.Meta.Author)
	str("status", &p.Meta.Status)
	if f, ok := fields["tags"]; ok {
		v, d := doc.Strings(f)
		p.Meta.Tags, dl = v, append(dl, d...)
		for i, t := range v {
			if !tagRE.MatchString(t) {
				dl = append(dl, doc.At(item(f.Value, i), fmt.Sprintf("tag %s must be lowercase letters, digits, `.`, `_` or `-`", diag.Quote(t))))
			}
		}
	}
	if f, ok := fields["applies"]; ok {
		v, d := doc.String(f)
		if d != nil {
			dl = append(dl, *d)
		} else if e, err := recheckgen.ParseEra(v, time.Now().Year()); err != nil {
			dl = append(dl, doc.At(f.Value, err.Error()))
		} else {
			p.Meta.Applies = e
		}
	}
	if p.Meta.Title == "" {
		at := diag.Diagnostic{File: p.File, Line: 1, Col: 1, Severity: diag.Error, Message: "front matter needs a `title`"}
		if f, ok := fields["title"]; ok {
			at = doc.At(f.Value, "`title` is empty")
		}
		dl = append(dl, at)
	}
	if f, ok := fields["date"]; ok && p.Meta.Date != "" && !dateRE.MatchString(p.Meta.Date) {
		dl = append(dl, doc.At(f.Value, fmt.Sprintf("`date` %s must look like 2026-11-22 (optionally with a time, 2026-11-22 10:30)", diag.Quote(p.Meta.Date))))
	}
	if f, ok := fields["status"]; ok && p.Meta.Status != "" && !slices.Contains(Statuses, p.Meta.Status) {
		msg := fmt.Sprintf("`status` %s must be one of %s", diag.Quote(p.Meta.Status), strings.Join(Statuses, ", "))
		if s := yamlfile.Suggest(p.Meta.Status, Statuses); s != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", s)
		}
		dl = append(dl, doc.At(f.Value, msg))
	}
	return dl
}

// collect walks the document once for headings and links.
func (p *Page) collect() {
	var cur cursor
	_ = ast.Walk(p.Doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			h := Heading{Level: n.Level, Text: plainText(n, p.Body)}
			if id, ok := n.AttributeString("id"); ok {
				h.ID = string(toBytes(id))
			}
			if n.Lines().Len() > 0 {
				h.Line, _ = p.pos(n.Lines().At(0).Start)
			}
			p.headingEra(n, &h)
			p.Headings = append(p.Headings, h)
		case *ast.Link:
			p.addLink(n, string(n.Destination), &cur)
		case *ast.Image:
			p.addLink(n, string(n.Destination), &cur)
		case *ast.AutoLink:
			p.addLink(n, string(n.URL(p.Body)), &cur)
		}
		return ast.WalkContinue, nil
	})
}

// addLink finds where an inline link was written: inline nodes carry no
// position, so search the source of the enclosing block for the
// destination, after the previous link found in the same block.
func (p *Page) addLink(n ast.Node, dest string, cur *cursor) {
	l := Link{Dest: dest}
	for b := n.Parent(); b != nil; b = b.Parent() {
		if b.Type() != ast.TypeBlock || b.Lines().Len() == 0 {
			continue
		}
		start := b.Lines().At(0).Start
		stop := b.Lines().At(b.Lines().Len() - 1).Stop
		from := start
		if cur.block == b {
			from = cur.off
		}
		if i := indexDest(p.Body[from:stop], dest); i >= 0 {
			l.Line, l.Col = p.pos(from + i)
			cur.block, cur.off = b, from+i+len(dest)
		} else {
			l.Line, l.Col = p.pos(start)
		}
		break
	}
	p.Links = append(p.Links, l)
}

// cursor remembers where the last link of a block was found.
type cursor struct {
	block ast.Node
	off   int
}

// indexDest finds dest as a whole destination, not as the prefix of a
// longer one.
func indexDest(src []byte, dest string) int {
	for off := 0; ; {
		i := bytes.Index(src[off:], []byte(dest))
		if i < 0 {
			return -1
		}
		end := off + i + len(dest)
		if end == len(src) || bytes.IndexByte([]byte(") >\"'\t\n\r"), src[end]) >= 0 {
			return off + i
		}
		off = end
	}
}

// pos turns an offset in Body into a file line and column.
func (p *Page) pos(off int) (line, col int) {
	line, col, _ = diag.LineCol(string(p.Body), off)
	return line + p.BodyLine - 1, col
}

// Anchor reports whether the page has a heading with id.
func (p *Page) Anchor(id string) bool {
	for _, h := range p.Headings {
		if h.ID == id {
			return true
		}
	}
	return false
}

func plainText(n ast.Node, src []byte) string {
	return strings.TrimSpace(PlainText(n, src))
}

// PlainText is the text of a node and everything below it, as a reader
// sees it: no markup, the typographer's entities decoded, code blocks'
// lines included, blocks separated by a space. Search indexes it.
func PlainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if c.Type() == ast.TypeBlock {
				b.WriteByte(' ')
			}
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			// The typographer's curly quotes and dashes arrive as HTML
			// entities (&rsquo;) marked for output as they are; a
			// heading's text is plain text, so decode them.
			if c.IsCode() {
				b.WriteString(html.UnescapeString(string(c.Value)))
			} else {
				b.Write(c.Value)
			}
		case *ast.CodeSpan:
			for x := c.FirstChild(); x != nil; x = x.NextSibling() {
				if t, ok := x.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func toBytes(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// Resolve joins a relative link from page p: "../x.md#a" → "x.md", "a".
func (p *Page) Resolve(dest string) (target, anchor string) {
	target, anchor, _ = strings.Cut(dest, "#")
	if target == "" {
		return p.Path, anchor
	}
	return path.Clean(path.Join(path.Dir(p.Path), target)), anchor
}

// item is the i-th element of a sequence node, or the node itself when it
// is a single value.
func item(n *yaml.Node, i int) *yaml.Node {
	if n.Kind == yaml.SequenceNode && i < len(n.Content) {
		return n.Content[i]
	}
	return n
}

// headingEra reads a section's `applies` attribute, and reports one that
// does not parse, at its place on the heading's line. An unquoted value
// (`{#id applies=2016-2018}`) is no attribute to goldmark: the braces stay
// in the heading's text, so that is reported too.
func (p *Page) headingEra(n *ast.Heading, h *Heading) {
	at := func(msg string) {
		line, col := h.Line, 1
		if src := p.line(h.Line); src != "" {
			if i := strings.Index(src, "applies"); i >= 0 {
				col = i + 1
			}
		}
		p.diags = append(p.diags, diag.Diagnostic{File: p.File, Line: line, Col: col, Severity: diag.Error, Message: msg})
	}
	v, ok := n.AttributeString("applies")
	if !ok {
		if strings.Contains(h.Text, "applies=") {
			at("section `applies` must be quoted: {#id applies=\"2016-2018\"}")
		}
		return
	}
	s, ok := v.([]byte)
	if !ok {
		at("section `applies` must be quoted: {#id applies=\"2016-2018\"}")
		return
	}
	e, err := recheckgen.ParseEra(string(s), time.Now().Year())
	if err != nil {
		at("section " + err.Error())
		return
	}
	h.Applies = e
}

// line is the text of file line n, or "".
func (p *Page) line(n int) string {
	i := n - p.BodyLine
	if i < 0 {
		return ""
	}
	lines := bytes.Split(p.Body, []byte("\n"))
	if i >= len(lines) {
		return ""
	}
	return string(lines[i])
}

// Historical says whether text at file line n describes an era that ended
// before year: the page's, or that of any section enclosing the line.
func (p *Page) Historical(n, year int) bool {
	if p.Meta.Applies.Ended(year) {
		return true
	}
	return p.EraAt(n).Ended(year)
}

// EraAt is the era of the innermost section enclosing file line n that
// has one (the page's when none has).
func (p *Page) EraAt(n int) recheckgen.Era {
	// The sections enclosing line n: walking back from it, each heading of
	// a level lower than the last one taken.
	level := 7
	for i := len(p.Headings) - 1; i >= 0; i-- {
		h := p.Headings[i]
		if h.Line > n || h.Level >= level {
			continue
		}
		level = h.Level
		if !h.Applies.IsZero() {
			return h.Applies
		}
	}
	return p.Meta.Applies
}

// ParseDoc reads a markdown file without front matter (a README, a page of
// docs/) for its headings and links, with their lines.
func ParseDoc(md goldmark.Markdown, file string, src []byte) *Page {
	p := &Page{Path: file, File: file, Body: src, BodyLine: 1}
	p.Doc = md.Parser().Parse(text.NewReader(src))
	p.collect()
	return p
}
