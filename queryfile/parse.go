package queryfile

import (
	"fmt"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/yamlfile"
	"go.yaml.in/yaml/v3"
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
	q.Raw = raw
	expr, warns, err := lucene.Parse(raw, lucene.Options{DefaultOperator: opts.Operator})
	var dl diag.List
	if err != nil {
		off, msg := 0, err.Error()
		if le, ok := err.(*lucene.Error); ok {
			off, msg = le.Offset, le.Msg
		}
		return append(dl, doc.InValue(f.Value, off, diag.Error, "query: "+msg))
	}
	q.Expr = expr
	for _, w := range warns {
		dl = append(dl, doc.InValue(f.Value, w.Span.Start, diag.Warning, "query: "+w.Msg))
	}
	known := opts.Fields
	if known == nil {
		known = DefaultFields
	}
	dl = append(dl, unknownFields(doc, f.Value, expr, known)...)
	return dl
}

func unknownFields(doc *yamlfile.Doc, val *yaml.Node, expr lucene.Node, known []string) diag.List {
	var dl diag.List
	seen := map[string]bool{}
	for _, u := range lucene.Fields(expr) {
		if seen[u.Name] || contains(known, u.Name) {
			continue
		}
		seen[u.Name] = true
		msg := fmt.Sprintf("query: unknown field `%s` probably matches nothing", u.Name)
		if s := yamlfile.Suggest(u.Name, known); s != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", s)
		} else {
			msg += " (add it to `query.fields` in recheckgen.yaml if the index has it)"
		}
		dl = append(dl, doc.InValue(val, u.Span.Start, diag.Warning, msg))
	}
	return dl
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
