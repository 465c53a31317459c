package queryfile

import (
	"fmt"
	"slices"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/yamlfile"
)

// parseQuery parses the Lucene string and maps its errors and warnings to
// the file.
func parseQuery(doc *yamlfile.Doc, f yamlfile.Field, q *recheckgen.Query, opts Options) diag.List {
	raw, d := doc.String(f)
	if d != nil {
		return diag.List{*d}
	}
	if strings.TrimSpace(raw) == "" {
		return diag.List{doc.At(f.Value, "`query` is empty")}
	}
	return parseLucene(raw, q, opts, func(off int, sev diag.Severity, msg string) diag.Diagnostic {
		return doc.InValue(f.Value, off, sev, msg)
	})
}

// ParseString reads a query given on the command line; positions in its
// diagnostics are columns of the string, named file.
func ParseString(file, raw string, opts Options) (recheckgen.Query, diag.List) {
	q := recheckgen.Query{ID: file, File: file, Bug: recheckgen.BugRef{ID: file}}
	if strings.TrimSpace(raw) == "" {
		return q, diag.List{{File: file, Line: 1, Col: 1, Severity: diag.Error, Message: "the query is empty"}}
	}
	return q, parseLucene(raw, &q, opts, func(off int, sev diag.Severity, msg string) diag.Diagnostic {
		line, col, text := diag.LineCol(raw, off)
		return diag.Diagnostic{File: file, Line: line, Col: col, Severity: sev, Message: msg, Excerpt: diag.Excerpt(text, col)}
	})
}

// at makes a diagnostic at a byte offset of the query string.
type at func(off int, sev diag.Severity, msg string) diag.Diagnostic

// parseLucene parses raw into q and reports syntax errors, warnings and
// unknown fields through at.
func parseLucene(raw string, q *recheckgen.Query, opts Options, at at) diag.List {
	q.Raw = raw
	// Values are read as elastic-recheck's index held them, as
	// Elasticsearch reads them, whichever backend runs the query.
	expr, warns, err := lucene.Parse(raw, lucene.Options{DefaultOperator: opts.Operator, Index: analysis.Elastic})
	if err != nil {
		off, msg := 0, err.Error()
		if le, ok := err.(*lucene.Error); ok {
			off, msg = le.Offset, le.Msg
		}
		return diag.List{at(off, diag.Error, "query: "+msg)}
	}
	q.Expr = expr
	var dl diag.List
	for _, w := range warns {
		dl = append(dl, at(w.Span.Start, diag.Warning, "query: "+w.Msg))
	}
	known := opts.Fields
	if known == nil {
		known = DefaultFields
	}
	dl = append(dl, unknownFields(expr, known, at)...)
	if opts.Tags != nil {
		dl = append(dl, unknownTags(expr, opts.Tags, at)...)
	}
	if opts.Runnable != nil {
		if off, why := opts.Runnable(expr); why != "" {
			dl = append(dl, at(off, diag.Error, "query: "+why))
		}
	}
	return dl
}

// unknownTags warns on a tag value no line is given: such a clause never
// holds.
func unknownTags(expr lucene.Node, produced func(string) bool, at at) diag.List {
	var dl diag.List
	lucene.Walk(expr, func(n lucene.Node) bool {
		var v string
		switch n := n.(type) {
		case *lucene.Term:
			if n.Field != "tags" || n.Fuzzy != -1 {
				return true
			}
			v = n.Text
		case *lucene.Phrase:
			if n.Field != "tags" {
				return true
			}
			v = n.Text
		default:
			return true
		}
		if produced(v) {
			return true
		}
		msg := fmt.Sprintf("query: no line is tagged `%s`: a line's tags are its file's base name (such as `screen-n-cpu.txt`, of a file the store reads) and the log pipeline's %s", v, strings.Join(logfile.CategoryTags(), ", "))
		if s := yamlfile.Suggest(v, logfile.CategoryTags()); s != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", s)
		}
		dl = append(dl, at(n.Pos().Start, diag.Warning, msg))
		return true
	})
	return dl
}

func unknownFields(expr lucene.Node, known []string, at at) diag.List {
	var dl diag.List
	seen := map[string]bool{}
	for _, u := range lucene.Fields(expr) {
		if seen[u.Name] || slices.Contains(known, u.Name) {
			continue
		}
		seen[u.Name] = true
		msg := fmt.Sprintf("query: unknown field `%s` probably matches nothing", u.Name)
		if s := yamlfile.Suggest(u.Name, known); s != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", s)
		} else {
			msg += " (add it to `query.fields` in recheckgen.yaml if the index has it)"
		}
		dl = append(dl, at(u.Span.Start, diag.Warning, msg))
	}
	return dl
}
