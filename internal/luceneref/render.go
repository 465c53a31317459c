package luceneref

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// Render writes recheckgen's parse of a query as LuceneRef.java writes
// Lucene's: the words each value becomes, AND parts with the negated ones
// last, nested ANDs and ORs flattened, `*:*` dropped beside other parts.
// Bare values are on `message`, as recheckgen reads them.
func Render(n lucene.Node) string {
	switch n := n.(type) {
	case *lucene.And:
		var pos, neg []string
		for _, c := range n.Children {
			if _, ok := c.(*lucene.Not); ok {
				neg = append(neg, Render(c))
			} else {
				pos = append(pos, Render(c))
			}
		}
		return junction("AND", append(pos, neg...))
	case *lucene.Or:
		var parts []string
		for _, c := range n.Children {
			parts = append(parts, Render(c))
		}
		return junction("OR", parts)
	case *lucene.Not:
		return "NOT(" + Render(n.Child) + ")"
	case *lucene.MatchAll:
		return "ALL"
	case *lucene.Exists:
		return "X(" + quote(n.Field) + ")"
	case *lucene.Term:
		f := field(n.Field)
		if n.Fuzzy != -1 {
			return fmt.Sprintf("F(%s,%s,%d)", quote(f), quote(n.Text), n.Fuzzy)
		}
		if analysis.Elastic.Analyzed(n.Field) {
			return words(f, n.Text, 0)
		}
		return "T(" + quote(f) + "," + quote(n.Text) + ")"
	case *lucene.Phrase:
		f := field(n.Field)
		if analysis.Elastic.Analyzed(n.Field) {
			return words(f, n.Text, n.Slop)
		}
		return "T(" + quote(f) + "," + quote(n.Text) + ")"
	case *lucene.Wildcard:
		return "W(" + quote(field(n.Field)) + "," + quote(n.Pattern) + ")"
	case *lucene.Regexp:
		return "R(" + quote(field(n.Field)) + "," + quote(n.Pattern) + ")"
	case *lucene.Range:
		lo, hi := "[*", "*]"
		if !n.From.Unbounded {
			lo = map[bool]string{true: "[", false: "{"}[n.From.Inclusive] + quote(n.From.Value)
		}
		if !n.To.Unbounded {
			hi = quote(n.To.Value) + map[bool]string{true: "]", false: "}"}[n.To.Inclusive]
		}
		return "RG(" + quote(field(n.Field)) + "," + lo + "," + hi + ")"
	}
	return fmt.Sprintf("?%T", n)
}

// words is a term for one word, a phrase for several.
func words(f, text string, slop int) string {
	ws := analysis.Tokens(text)
	switch len(ws) {
	case 0:
		return "EMPTY"
	case 1:
		return "T(" + quote(f) + "," + quote(ws[0]) + ")"
	}
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(i) + ":" + quote(w))
	}
	return fmt.Sprintf("P(%s,%s,%d)", quote(f), b.String(), slop)
}

func field(f string) string {
	if f == "" {
		return "message"
	}
	return f
}

func junction(op string, parts []string) string {
	var flat []string
	for _, p := range parts {
		if inner, ok := strings.CutPrefix(p, op+"("); ok && strings.HasSuffix(p, ")") && balanced(inner[:len(inner)-1]) {
			flat = append(flat, splitTop(inner[:len(inner)-1])...)
		} else {
			flat = append(flat, p)
		}
	}
	if op == "AND" && len(flat) > 1 {
		kept := flat[:0]
		for _, p := range flat {
			if p != "ALL" {
				kept = append(kept, p)
			}
		}
		flat = kept
	}
	if len(flat) == 1 {
		return flat[0]
	}
	return op + "(" + strings.Join(flat, ",") + ")"
}

// balanced and splitTop read a rendered list as LuceneRef.java does:
// outside quoted strings (where a backslash escapes), parentheses nest
// and commas at depth 0 separate.
func balanced(s string) bool {
	ok := true
	return scanTop(s, func(_ int, depth int) {
		if depth < 0 {
			ok = false
		}
	}, nil) == 0 && ok
}

func splitTop(s string) []string {
	var out []string
	start := 0
	scanTop(s, nil, func(i int) {
		out = append(out, s[start:i])
		start = i + 1
	})
	return append(out, s[start:])
}

// scanTop walks s outside quoted strings, telling close the depth after
// each ')' and comma the index of each comma at depth 0; it returns the
// depth left open at the end.
func scanTop(s string, close func(i, depth int), comma func(i int)) int {
	depth, q := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if q {
			if c == '\\' {
				i++
			} else if c == '"' {
				q = false
			}
			continue
		}
		switch c {
		case '"':
			q = true
		case '(':
			depth++
		case ')':
			depth--
			if close != nil {
				close(i, depth)
			}
		case ',':
			if depth == 0 && comma != nil {
				comma(i)
			}
		}
	}
	return depth
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}
