package lucene

import (
	"strings"
)

// This file reads values as the index holds them (Options.Index), the way
// Elasticsearch's query builder does, and warns where that changes what a
// query seems to mean.

// noWords reports a term or phrase token, on the field of the group being
// read, in which the index's analyzer finds no word: Lucene reads it as a
// value of its own and drops it, so it may touch the value before it (an
// unescaped quote leaves `”` or `""` behind a phrase).
func (p *parser) noWords(t token) bool {
	if p.ix == nil || (t.kind != tTerm && t.kind != tPhrase) || t.wild {
		return false
	}
	if t.kind == tTerm && p.peekN(1).kind == tColon {
		return false // it names a field: its value decides
	}
	return p.ix.Analyzed(p.group) && len(p.ix.Tokens(t.text)) == 0
}

// dropped reports a clause whose value holds no word.
func (p *parser) dropped(c clause) {
	if c.quiet {
		return
	}
	text := clip(p.src[c.span.Start:c.span.End])
	if c.touching {
		p.warn(c.span, "`%s` right after a value is read as a value of its own with no letter or digit in it, which Elasticsearch drops: probably an unescaped quote inside a phrase; write `\\\"` for a quote character", text)
		return
	}
	p.warn(c.span, "`%s` holds no letter or digit, so Elasticsearch's analyzer finds no word in it and drops it from the query: it has no effect", text)
}

// analyzeTerm reads an unquoted word on an analyzed field: no word, and it
// is dropped (nil); several, and they are joined by the default operator,
// as Lucene does when it does not make phrases of unquoted values.
func (p *parser) analyzeTerm(tm *Term) Node {
	if p.ix == nil || tm.Fuzzy != -1 || !p.ix.Analyzed(tm.Field) {
		return tm
	}
	words := p.ix.Tokens(tm.Text)
	switch len(words) {
	case 0:
		return nil
	case 1:
		return tm
	}
	kids := make([]Node, len(words))
	for i, w := range words {
		kids[i] = &Term{Field: tm.Field, Text: w, Fuzzy: -1, Boost: tm.Boost, Span: tm.Span}
	}
	written := clip(p.src[tm.Span.Start:tm.Span.End])
	if p.termOp == OR {
		p.warn(tm.Span, "`%s` is %d words to Elasticsearch (`%s`), joined by the default operator OR: a line with any one of them matches; quote it to find them side by side: %s", written, len(words), strings.Join(words, "`, `"), quoteValue(tm))
		return &Or{Children: kids, Span: tm.Span}
	}
	p.warn(tm.Span, "`%s` is %d words to Elasticsearch (`%s`), joined by the default operator AND: a line with all of them anywhere matches; quote it to find them side by side: %s", written, len(words), strings.Join(words, "`, `"), quoteValue(tm))
	return &And{Children: kids, Span: tm.Span}
}

func quoteValue(tm *Term) string {
	if tm.Field == "" {
		return quote(tm.Text)
	}
	return escapeTerm(tm.Field) + ":" + quote(tm.Text)
}

// analyzePhrase drops a phrase in which an analyzed field has no word.
func (p *parser) analyzePhrase(ph *Phrase) Node {
	if p.ix != nil && p.ix.Analyzed(ph.Field) && len(p.ix.Tokens(ph.Text)) == 0 {
		return nil
	}
	return ph
}

// lowerExpanded lower-cases a wildcard, regular-expression or fuzzy term,
// as Elasticsearch's lowercase_expanded_terms does, and warns when that
// makes a term on an exact-value field miss upper-case values.
func (p *parser) lowerExpanded(field, what string, s string, span Span) string {
	if !p.lowers(field) {
		return s
	}
	low := strings.ToLower(s)
	if low != s && !p.ix.Analyzed(field) {
		p.lowerWarning(field, what, span, low)
	}
	return low
}

// lowers reports whether expanded terms on field are lower-cased: on every
// field, unless the Index is a Normalizer.
func (p *parser) lowers(field string) bool {
	if p.ix == nil {
		return false
	}
	if n, ok := p.ix.(Normalizer); ok {
		return n.LowerExpanded(field)
	}
	return true
}

func (p *parser) lowerWarning(field, what string, span Span, low string) {
	p.warn(span, "Elasticsearch lower-cases %s (lowercase_expanded_terms), so `%s` looks for `%s`; `%s` holds exact values, and upper-case ones never match it", what, clip(p.src[span.Start:span.End]), clip(low), field)
}

// wildcardWords warns on a wildcard on an analyzed field whose literal
// text holds a character no word holds: it is matched against single
// words, so it matches nothing.
func (p *parser) wildcardWords(w *Wildcard) {
	if p.ix == nil || !p.ix.Analyzed(w.Field) {
		return
	}
	escaped := false
	for _, r := range w.Pattern {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
			continue
		case r == '*' || r == '?':
			continue
		}
		if !p.ix.InWord(r) {
			p.warn(w.Span, "`%s` can never match: a wildcard is matched against single words, and `%c` never stands inside one (the analyzer splits words there); search for the words as a phrase instead", clip(p.src[w.Span.Start:w.Span.End]), r)
			return
		}
	}
}

// sideBySide warns where clauses written side by side, with no operator,
// mean something else under the other default operator: the query's
// meaning then hangs on a setting, not on what is written.
func (p *parser) sideBySide(n Node, opts Options) {
	if len(p.sides) == 0 {
		return
	}
	other := AND
	if p.op == AND {
		other = OR
	}
	q := newParser(p.src, opts, other)
	m, err := q.parse()
	if err != nil || Equal(n, m) {
		return
	}
	warned := map[int]bool{}
	for _, w := range p.warns {
		warned[w.Span.Start] = true
	}
	for _, group := range p.sides {
		a, b := group[0][0], group[0][1]
		if warned[a.Start] || warned[b.Start] {
			continue // already reported as a missing operator
		}
		setting := "OR here, as in Elasticsearch and elastic-recheck"
		if p.op == AND {
			setting = "AND here, where Elasticsearch and elastic-recheck used OR"
		}
		p.warn(b, "no operator between `%s` and `%s`: values side by side are joined by the default operator (%s), and this query would mean something else under %s; write AND or OR between them", clip(p.src[a.Start:a.End]), clip(p.src[b.Start:b.End]), setting, other)
	}
}

// impossible warns on one exact, single-valued field required to equal two
// different values: no line can match.
func (p *parser) impossible(n Node) {
	Walk(n, func(n Node) bool {
		and, ok := n.(*And)
		if !ok {
			return true
		}
		seen := map[string]Node{}
		for _, c := range and.Children {
			field, value, ok := exactValue(c)
			if !ok || field == "" || p.ix.Analyzed(field) || p.ix.MultiValued(field) {
				continue
			}
			first, dup := seen[field]
			if !dup {
				seen[field] = c
				continue
			}
			if _, v, _ := exactValue(first); v != value {
				p.warn(c.Pos(), "`%s` holds one value per line, so `%s` AND `%s` can never both hold: the query matches nothing; did you mean OR?", field, clip(p.src[first.Pos().Start:first.Pos().End]), clip(p.src[c.Pos().Start:c.Pos().End]))
			}
		}
		return true
	})
}

func exactValue(n Node) (field, value string, ok bool) {
	switch n := n.(type) {
	case *Term:
		return n.Field, n.Text, n.Fuzzy == -1
	case *Phrase:
		return n.Field, n.Text, n.Slop == 0
	}
	return "", "", false
}
