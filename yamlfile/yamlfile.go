// Package yamlfile reads small YAML documents (query files, the config,
// front matter) strictly and with positions: every problem becomes a
// diag.Diagnostic with the file's line and column, unknown keys get a
// "did you mean", and offsets inside a scalar (a Lucene error inside a
// folded block) map back to the file.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/recheckgen/recheckgen/diag"
	"go.yaml.in/yaml/v3"
)

// Doc is one parsed YAML document and where it came from.
type Doc struct {
	File string
	Src  []byte
	// LineOffset is added to every line reported, for YAML embedded in a
	// larger file (front matter after its opening ---).
	LineOffset int
	Root       *yaml.Node // the top-level mapping
}

// Parse reads src as a single YAML document whose top level is a mapping.
// An empty document gives a Doc with an empty mapping.
func Parse(file string, src []byte, lineOffset int) (*Doc, *diag.Diagnostic) {
	d := &Doc{File: file, Src: src, LineOffset: lineOffset}
	if bad := d.badBytes(); bad != nil {
		return nil, bad
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.Root = &yaml.Node{Kind: yaml.MappingNode}
			return d, nil
		}
		dg := d.syntaxError(err)
		return nil, &dg
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		dg := d.At(&extra, "a file holds one YAML document; remove the second `---` document")
		return nil, &dg
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		root = &yaml.Node{Kind: yaml.MappingNode}
	}
	if root.Kind != yaml.MappingNode {
		dg := d.At(root, fmt.Sprintf("the top level must be a mapping of `key: value` lines, found %s", kindName(root)))
		return nil, &dg
	}
	d.Root = root
	return d, nil
}

// badBytes finds what the YAML library would reject without a position:
// invalid UTF-8 and control characters.
func (d *Doc) badBytes() *diag.Diagnostic {
	s := string(d.Src)
	for i, r := range s {
		msg := ""
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			msg = "invalid UTF-8 byte; save the file as UTF-8"
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t':
			msg = fmt.Sprintf("control character %U is not allowed in YAML", r)
		}
		if msg != "" {
			dg := d.offsetDiag(i, diag.Error, msg)
			return &dg
		}
	}
	return nil
}

var lineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// syntaxError turns a YAML library error into a diagnostic. The library
// gives a line (none for the first line) but no column; the column is
// the offending character where the message names one, else the line's
// first non-blank character.
func (d *Doc) syntaxError(err error) diag.Diagnostic {
	m := lineRE.FindStringSubmatch(err.Error())
	if m == nil {
		m = []string{"", "", err.Error()}
	}
	line := 1
	if m[1] != "" {
		line, _ = strconv.Atoi(m[1])
	}
	text := d.lineText(line)
	col := len(text) - len(strings.TrimLeft(text, " ")) + 1
	switch {
	case strings.Contains(m[2], "cannot start any token"):
		if i := strings.IndexAny(text, "\t@`%"); i >= 0 {
			col = i + 1
		}
	case strings.Contains(m[2], "mapping values are not allowed"):
		if i := strings.Index(text, ": "); i >= 0 {
			if j := strings.Index(text[i+2:], ": "); j >= 0 {
				col = i + 2 + j + 1
			}
		}
	}
	dg := diag.Diagnostic{File: d.File, Line: line + d.LineOffset, Col: col, Severity: diag.Error,
		Message: "invalid YAML: " + explain(m[2])}
	dg.Excerpt = diag.Excerpt(text, col)
	return dg
}

// explain adds a hint to the library's terse messages.
func explain(msg string) string {
	switch {
	case strings.Contains(msg, "tab character"):
		return msg + " (indent YAML with spaces, not tabs)"
	case strings.Contains(msg, "found character that cannot start any token"):
		return msg + " (tabs cannot indent YAML, and `@` or a backquote cannot start a plain value: quote it)"
	case strings.Contains(msg, "mapping values are not allowed"):
		return msg + " (a value holding `: ` must be quoted or written as a `>` block)"
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "could not find expected ':'"):
		return msg + " (check the indentation and that every key ends with `:`)"
	case strings.Contains(msg, "found unexpected end of stream"):
		return msg + " (a quote is probably not closed)"
	}
	return msg
}

func (d *Doc) lineText(line int) string {
	lines := strings.Split(string(d.Src), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[line-1], "\r")
}

// At makes an error diagnostic at node n.
func (d *Doc) At(n *yaml.Node, msg string) diag.Diagnostic {
	return d.at(n.Line, n.Column, diag.Error, msg)
}

// Warn makes a warning at node n.
func (d *Doc) Warn(n *yaml.Node, msg string) diag.Diagnostic {
	return d.at(n.Line, n.Column, diag.Warning, msg)
}

func (d *Doc) at(line, col int, sev diag.Severity, msg string) diag.Diagnostic {
	return diag.Diagnostic{File: d.File, Line: line + d.LineOffset, Col: col, Severity: sev,
		Message: msg, Excerpt: diag.Excerpt(d.lineText(line), col)}
}

func (d *Doc) offsetDiag(off int, sev diag.Severity, msg string) diag.Diagnostic {
	line, col, _ := diag.LineCol(string(d.Src), off)
	return d.at(line, col, sev, msg)
}

// InValue makes a diagnostic at byte offset off of scalar n's value, mapped
// back through quoting, escapes and block folding to the file.
func (d *Doc) InValue(n *yaml.Node, off int, sev diag.Severity, msg string) diag.Diagnostic {
	return d.offsetDiag(ValueOffset(d.Src, n, off), sev, msg)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return fmt.Sprintf("the value %s", diag.Quote(n.Value))
}
