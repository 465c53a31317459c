package lucene

import (
	"strconv"
	"strings"
)

// String prints n canonically: explicit AND, OR and NOT, parentheses
// wherever Lucene's reading could differ, and escapes where text needs
// them. Parsing the result gives an AST Equal to n under either default
// operator, and printing that gives the same string.
//
// Two nodes Parse never makes have no exact spelling: a Term with empty
// Text prints as `""` (an empty Phrase), and a Term without fuzziness whose
// Text starts with `>` or `<` reads back as the one-sided Range
// Elasticsearch makes of it.
func String(n Node) string {
	var b strings.Builder
	write(&b, n)
	return b.String()
}

func write(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *And:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" AND ")
			}
			switch c.(type) {
			case *Or, *And:
				paren(b, c)
			default:
				write(b, c)
			}
		}
	case *Or:
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(" OR ")
			}
			switch c.(type) {
			case *And, *Or, *Not: // `a OR NOT b` reads as `a AND NOT b`
				paren(b, c)
			default:
				write(b, c)
			}
		}
	case *Not:
		b.WriteString("NOT ")
		switch n.Child.(type) {
		case *And, *Or, *Not:
			paren(b, n.Child)
		default:
			write(b, n.Child)
		}
	case *Term:
		writeField(b, n.Field)
		if n.Text == "" {
			b.WriteString(`""`)
		} else {
			b.WriteString(escapeTerm(n.Text))
		}
		switch {
		case n.Fuzzy == FuzzyAuto:
			b.WriteByte('~')
		case n.Fuzzy >= 0:
			b.WriteString("~" + strconv.Itoa(n.Fuzzy))
		}
		writeBoost(b, n.Boost)
	case *Phrase:
		writeField(b, n.Field)
		b.WriteString(quote(n.Text))
		if n.Slop > 0 {
			b.WriteString("~" + strconv.Itoa(n.Slop))
		}
		writeBoost(b, n.Boost)
	case *Wildcard:
		writeField(b, n.Field)
		b.WriteString(escapePattern(n.Pattern))
		writeBoost(b, n.Boost)
	case *Regexp:
		writeField(b, n.Field)
		b.WriteString("/" + escapeRegexp(n.Pattern) + "/")
		writeBoost(b, n.Boost)
	case *Range:
		writeField(b, n.Field)
		// An open end prints with a square bracket, the usual `[10 TO *]`.
		if n.From.Inclusive || n.From.Unbounded {
			b.WriteByte('[')
		} else {
			b.WriteByte('{')
		}
		b.WriteString(bound(n.From) + " TO " + bound(n.To))
		if n.To.Inclusive || n.To.Unbounded {
			b.WriteByte(']')
		} else {
			b.WriteByte('}')
		}
	case *Exists:
		b.WriteString("_exists_:" + escapeTerm(n.Field))
	case *MatchAll:
		b.WriteString("*:*")
	}
}

func paren(b *strings.Builder, n Node) {
	b.WriteByte('(')
	write(b, n)
	b.WriteByte(')')
}

func writeField(b *strings.Builder, f string) {
	switch f {
	case "":
	case "*":
		b.WriteString("*:")
	default:
		b.WriteString(escapeTerm(f) + ":")
	}
}

func writeBoost(b *strings.Builder, v float64) {
	if v > 0 {
		b.WriteString("^" + strconv.FormatFloat(v, 'f', -1, 64))
	}
}

// bound prints a range end bare when the range lexer reads it back as is.
func bound(v Bound) string {
	if v.Unbounded {
		return "*"
	}
	if v.Value == "" || v.Value == "*" || v.Value == "TO" || strings.ContainsFunc(v.Value, func(r rune) bool {
		return isSpace(r) || r == ']' || r == '}' || r == '"' || r == '\\'
	}) {
		return quote(v.Value)
	}
	return v.Value
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// escapeTerm backslash-escapes whatever would end a term, start an
// operator or make it a wildcard, and the operator words themselves.
func escapeTerm(s string) string {
	var b strings.Builder
	for i, r := range s {
		if termNeedsEscape(r, i == 0) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	switch out := b.String(); out {
	case "AND", "OR", "NOT", "&&", "||":
		return `\` + out
	default:
		return out
	}
}

func termNeedsEscape(r rune, first bool) bool {
	if first && (r == '+' || r == '-' || r == '/') {
		return true
	}
	return !isTermRune(r) // includes \ * ?
}

// escapePattern escapes a wildcard pattern, whose \\ \* \? escapes are
// already in place.
func escapePattern(p string) string {
	return mapUnescaped(p, func(b *strings.Builder, i int, r rune) {
		if r != '*' && r != '?' && termNeedsEscape(r, i == 0) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	})
}

// escapeRegexp escapes `/`, leaving the pattern's own escapes as they are.
func escapeRegexp(p string) string {
	return mapUnescaped(p, func(b *strings.Builder, _ int, r rune) {
		if r == '/' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	})
}

// mapUnescaped copies p, keeping its escapes (a backslash and the rune
// after it) as they are and writing every other rune, at byte offset i,
// through write. A lone trailing backslash, which Parse never leaves, is
// doubled.
func mapUnescaped(p string, write func(b *strings.Builder, i int, r rune)) string {
	var b strings.Builder
	escaped := false
	for i, r := range p {
		switch {
		case escaped:
			b.WriteRune(r)
			escaped = false
		case r == '\\':
			b.WriteRune(r)
			escaped = true
		default:
			write(&b, i, r)
		}
	}
	if escaped {
		b.WriteByte('\\')
	}
	return b.String()
}

// Equal reports whether a and b are the same query, ignoring positions.
func Equal(a, b Node) bool {
	switch a := a.(type) {
	case *And:
		b, ok := b.(*And)
		return ok && equalList(a.Children, b.Children)
	case *Or:
		b, ok := b.(*Or)
		return ok && equalList(a.Children, b.Children)
	case *Not:
		b, ok := b.(*Not)
		return ok && Equal(a.Child, b.Child)
	case *Term:
		b, ok := b.(*Term)
		return ok && a.Field == b.Field && a.Text == b.Text && a.Fuzzy == b.Fuzzy && a.Boost == b.Boost
	case *Phrase:
		b, ok := b.(*Phrase)
		return ok && a.Field == b.Field && a.Text == b.Text && a.Slop == b.Slop && a.Boost == b.Boost
	case *Wildcard:
		b, ok := b.(*Wildcard)
		return ok && a.Field == b.Field && a.Pattern == b.Pattern && a.Boost == b.Boost
	case *Regexp:
		b, ok := b.(*Regexp)
		return ok && a.Field == b.Field && a.Pattern == b.Pattern && a.Boost == b.Boost
	case *Range:
		b, ok := b.(*Range)
		return ok && a.Field == b.Field && a.From == b.From && a.To == b.To
	case *Exists:
		b, ok := b.(*Exists)
		return ok && a.Field == b.Field
	case *MatchAll:
		_, ok := b.(*MatchAll)
		return ok
	}
	return a == nil && b == nil
}

func equalList(a, b []Node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}
